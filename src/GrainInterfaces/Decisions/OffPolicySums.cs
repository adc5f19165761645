namespace MarketingActors.Decisions;

/// <summary>
/// Additive sums from which the value of one target policy is estimated off-policy (IPS, SNIPS,
/// doubly robust) over logged decisions: per decision the importance weight w = π(a|x) / p(a|x)
/// of the logged arm a under the target π, the reward r (net value), and the doubly robust term
/// d = Σₖ π(k|x)·q̂(x,k) + w·(r − q̂(x,a)). Rewards arrive late (a conversion after the send), so a
/// decision is added at its trial and changed when its reward changes; both are plain sums.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.off-policy-sums")]
public sealed record OffPolicySums
{
    [Id(0)] public required string Target { get; init; }
    [Id(1)] public long Decisions { get; init; }
    [Id(2)] public double Weights { get; init; }
    [Id(3)] public double WeightSquares { get; init; }
    [Id(4)] public double WeightedRewards { get; init; }
    [Id(5)] public double WeightedRewardSquares { get; init; }
    /// <summary>Σ w²·r, for the SNIPS interval.</summary>
    [Id(6)] public double SquaredWeightRewards { get; init; }
    [Id(7)] public double DoublyRobust { get; init; }
    [Id(8)] public double DoublyRobustSquares { get; init; }

    /// <summary>A decision logged with weight <paramref name="w"/>, model part <paramref name="c"/> = Σₖ π(k)q̂ₖ − w·q̂ₐ and reward <paramref name="r"/>.</summary>
    public static OffPolicySums Trial(string target, double w, double c, double r) => new()
    {
        Target = target,
        Decisions = 1,
        Weights = w,
        WeightSquares = w * w,
        WeightedRewards = w * r,
        WeightedRewardSquares = w * w * r * r,
        SquaredWeightRewards = w * w * r,
        DoublyRobust = c + w * r,
        DoublyRobustSquares = (c + w * r) * (c + w * r),
    };

    /// <summary>The same decision's reward moved from <paramref name="from"/> to <paramref name="to"/> (a conversion arrived).</summary>
    public static OffPolicySums Change(string target, double w, double c, double from, double to)
    {
        var before = Trial(target, w, c, from);
        var after = Trial(target, w, c, to);
        return after.Plus(before, sign: -1) with { Decisions = 0 };
    }

    public OffPolicySums Plus(OffPolicySums other, int sign = 1) => this with
    {
        Decisions = Decisions + sign * other.Decisions,
        Weights = Weights + sign * other.Weights,
        WeightSquares = WeightSquares + sign * other.WeightSquares,
        WeightedRewards = WeightedRewards + sign * other.WeightedRewards,
        WeightedRewardSquares = WeightedRewardSquares + sign * other.WeightedRewardSquares,
        SquaredWeightRewards = SquaredWeightRewards + sign * other.SquaredWeightRewards,
        DoublyRobust = DoublyRobust + sign * other.DoublyRobust,
        DoublyRobustSquares = DoublyRobustSquares + sign * other.DoublyRobustSquares,
    };
}
