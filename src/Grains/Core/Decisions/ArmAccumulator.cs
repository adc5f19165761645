using MarketingActors.Decisions;

namespace MarketingActors.Core.Decisions;

/// <summary>
/// Adds up one arm's evidence as decisions settle, without allocating per decision: a trial adds
/// its context's outer product to the Gram matrix; its first conversion adds x to the moment
/// vector, and every conversion its revenue. Taken as an <see cref="ArmStatistics"/> increment and
/// cleared when its owner reports.
/// </summary>
public sealed class ArmAccumulator(string armId, int dimension)
{
    private readonly double[] _gram = new double[dimension * (dimension + 1) / 2];
    private readonly double[] _moment = new double[dimension];
    private long _trials, _engagements, _conversions;
    private double _revenue, _squares;

    public string ArmId { get; } = armId;
    public bool IsEmpty => _trials == 0 && _engagements == 0 && _conversions == 0 && _revenue == 0;

    public void Trial(ReadOnlySpan<double> x)
    {
        _trials++;
        var k = 0;
        for (var i = 0; i < dimension; i++)
        {
            var xi = x[i];
            if (xi == 0)
            {
                k += dimension - i;
                continue;
            }
            for (var j = i; j < dimension; j++, k++) _gram[k] += xi * x[j];
        }
    }

    /// <summary>A trial's customer engaged (first time for that trial).</summary>
    public void Engagement() => _engagements++;

    /// <summary>A trial converted, bringing <paramref name="revenue"/>.</summary>
    public void Conversion(ReadOnlySpan<double> x, double revenue)
    {
        _conversions++;
        _revenue += revenue;
        _squares += revenue * revenue;
        for (var i = 0; i < dimension; i++) _moment[i] += x[i];
    }

    public ArmStatistics Take()
    {
        var taken = new ArmStatistics
        {
            ArmId = ArmId, Trials = _trials, Engagements = _engagements, Conversions = _conversions, Revenue = _revenue, RevenueSquares = _squares,
            Gram = (double[])_gram.Clone(), Moment = (double[])_moment.Clone(),
        };
        Array.Clear(_gram);
        Array.Clear(_moment);
        (_trials, _engagements, _conversions, _revenue, _squares) = (0, 0, 0, 0, 0);
        return taken;
    }
}
