using MarketingActors.Measurement;

namespace MarketingActors.Campaigns;

/// <summary>One customer's answer to an audience rule: known (has events), matching, and reachable for marketing on the asked channel.</summary>
[GenerateSerializer, Immutable, Alias("ma.audience-probe")]
public readonly record struct AudienceProbe([property: Id(0)] bool Known, [property: Id(1)] bool Matches, [property: Id(2)] bool Reachable)
{
    public static readonly AudienceProbe Unknown = new(false, false, false);
}

/// <summary>
/// How many live customers an audience rule reaches: counted exactly when the live population is
/// at most the sample size, otherwise estimated from a uniform sample of it with 95% intervals.
/// "Live" is the customers active in the cluster now (those that have not been idle past grain
/// collection), not every customer ever stored.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.audience-estimate")]
public sealed record AudienceEstimate
{
    [Id(0)] public long LiveCustomers { get; init; }
    [Id(1)] public int Sampled { get; init; }
    /// <summary>True when every live customer was asked (the intervals are then the point).</summary>
    [Id(2)] public bool Exact { get; init; }
    /// <summary>Live customers with at least one event (an activation for a read alone is not a customer).</summary>
    [Id(3)] public required Interval Known { get; init; }
    [Id(4)] public required Interval Matching { get; init; }
    /// <summary>Matching and with marketing consent on <see cref="Channel"/>; null when no channel was asked.</summary>
    [Id(5)] public Interval? Reachable { get; init; }
    [Id(6)] public string? Channel { get; init; }
}

/// <summary>An audience estimate, or the problems with the rule that was asked (nothing was counted).</summary>
[GenerateSerializer, Immutable, Alias("ma.audience-estimate-answer")]
public sealed record AudienceEstimateAnswer
{
    public const string InvalidReason = "invalid_rule";

    [Id(0)] public AudienceEstimate? Estimate { get; init; }
    [Id(1)] public string[] Errors { get; init; } = [];
}

/// <summary>What a caller asks to size: an audience rule and, optionally, the channel it would be contacted on.</summary>
[GenerateSerializer, Immutable, Alias("ma.audience-query")]
public sealed record AudienceQuery
{
    [Id(0)] public AudienceRule? Rule { get; init; }
    [Id(1)] public string? Channel { get; init; }
}
