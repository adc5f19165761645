namespace MarketingActors.Decisions;

/// <summary>
/// Additive evidence about one arm of the contextual policy (an action, or the holdout's "no
/// action"): trials, conversions, revenue and its square, and the Gram matrix Σxxᵀ (upper
/// triangle, packed row by row) and moment vector Σ conversion·x of the decision contexts it was
/// tried in.
/// Silos add up increments and report them; the campaign grain adds up the silos' reports; sums
/// of sums are the same evidence, so nothing is lost by where it was counted.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.arm-statistics")]
public sealed record ArmStatistics
{
    public const string HoldoutArm = "(holdout)";

    [Id(0)] public required string ArmId { get; init; }
    [Id(1)] public long Trials { get; init; }
    [Id(2)] public long Conversions { get; init; }
    [Id(3)] public double Revenue { get; init; }
    [Id(4)] public double RevenueSquares { get; init; }
    [Id(5)] public double[] Gram { get; init; } = [];
    [Id(6)] public double[] Moment { get; init; } = [];
    /// <summary>Trials whose customer engaged (came back, clicked) before the attribution window closed; every conversion is one.</summary>
    [Id(7)] public long Engagements { get; init; }

    public ArmStatistics Plus(ArmStatistics other) => this with
    {
        Trials = Trials + other.Trials,
        Conversions = Conversions + other.Conversions,
        Engagements = Engagements + other.Engagements,
        Revenue = Revenue + other.Revenue,
        RevenueSquares = RevenueSquares + other.RevenueSquares,
        Gram = Add(Gram, other.Gram),
        Moment = Add(Moment, other.Moment),
    };

    /// <summary>Element-wise sum; an empty side (no context seen yet) is the other side. Vectors of different lengths (a changed context layout) keep the newer one.</summary>
    private static double[] Add(double[] a, double[] b)
    {
        if (a.Length == 0) return b;
        if (b.Length == 0) return a;
        if (a.Length != b.Length) return b;
        var sum = new double[a.Length];
        for (var i = 0; i < sum.Length; i++) sum[i] = a[i] + b[i];
        return sum;
    }
}
