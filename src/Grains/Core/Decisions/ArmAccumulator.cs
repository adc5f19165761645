using MarketingActors.Decisions;

namespace MarketingActors.Core.Decisions;

/// <summary>
/// Adds up one arm's evidence as decisions settle, without allocating per decision: a trial adds
/// its context's outer product to the Gram matrix; revenue adds r·x to the moment vector. Taken as
/// an <see cref="ArmStatistics"/> increment and cleared when its owner reports.
/// </summary>
public sealed class ArmAccumulator(string armId, int dimension)
{
    private readonly double[] _gram = new double[dimension * (dimension + 1) / 2];
    private readonly double[] _moment = new double[dimension];
    private long _trials, _conversions;
    private double _revenue, _squares;

    public string ArmId { get; } = armId;
    public bool IsEmpty => _trials == 0 && _conversions == 0 && _revenue == 0;

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

    /// <summary>A trial's revenue moved from <paramref name="previous"/> to <paramref name="previous"/> + <paramref name="revenue"/> (its first conversion when previous is 0).</summary>
    public void Revenue(ReadOnlySpan<double> x, double revenue, double previous = 0)
    {
        if (previous == 0) _conversions++;
        _revenue += revenue;
        _squares += (previous + revenue) * (previous + revenue) - previous * previous;
        for (var i = 0; i < dimension; i++) _moment[i] += revenue * x[i];
    }

    public ArmStatistics Take()
    {
        var taken = new ArmStatistics
        {
            ArmId = ArmId, Trials = _trials, Conversions = _conversions, Revenue = _revenue, RevenueSquares = _squares,
            Gram = (double[])_gram.Clone(), Moment = (double[])_moment.Clone(),
        };
        Array.Clear(_gram);
        Array.Clear(_moment);
        (_trials, _conversions, _revenue, _squares) = (0, 0, 0, 0);
        return taken;
    }
}
