namespace MarketingActors.Measurement;

/// <summary>A target policy's estimated net value per decision, three ways, each with its 95% interval.</summary>
[GenerateSerializer, Immutable, Alias("ma.off-policy-estimate")]
public sealed record OffPolicyEstimate
{
    /// <summary>"policy" (the campaign's own, on-policy), "uniform", or "action:&lt;id&gt;" (always that action when it is eligible).</summary>
    [Id(0)] public required string Target { get; init; }
    [Id(1)] public long Decisions { get; init; }
    [Id(2)] public Interval? Ips { get; init; }
    [Id(3)] public Interval? Snips { get; init; }
    [Id(4)] public Interval? DoublyRobust { get; init; }
    /// <summary>(Σw)² / Σw²: how many decisions the estimate is really worth.</summary>
    [Id(5)] public double EffectiveSampleSize { get; init; }
}

/// <summary>
/// "The engine vs the rule you would write", from a campaign's own logged decisions: the value
/// per decision of its policy, of each fixed action and of uniform random, estimated off-policy
/// from the propensities the contextual policy logged and the outcomes that followed.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.policy-evaluation")]
public sealed record PolicyEvaluation
{
    [Id(0)] public required string CampaignId { get; init; }
    [Id(1)] public required string Currency { get; init; }
    [Id(2)] public OffPolicyEstimate[] Estimates { get; init; } = [];
    /// <summary>The fixed action with the highest doubly robust estimate: the rule to beat.</summary>
    [Id(3)] public string? BestFixedAction { get; init; }
}
