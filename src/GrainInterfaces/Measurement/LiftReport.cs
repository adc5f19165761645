namespace MarketingActors.Measurement;

/// <summary>
/// What a campaign owner reads to see whether the campaign earns its money: treated vs holdout
/// overall and per channel, incremental lift with 95% intervals, ROI, and budget pacing.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.lift-report")]
public sealed record LiftReport
{
    [Id(0)] public required string CampaignId { get; init; }
    [Id(1)] public required string CampaignName { get; init; }
    [Id(2)] public required string Currency { get; init; }
    [Id(3)] public required DateTimeOffset GeneratedAt { get; init; }
    /// <summary>"scheduled" (the campaign grain's report timer) or "on_demand".</summary>
    [Id(4)] public required string Trigger { get; init; }
    [Id(5)] public double HoldoutPercent { get; init; }
    [Id(6)] public required LiftSummary Overall { get; init; }
    [Id(7)] public LiftSummary[] Channels { get; init; } = [];
    [Id(8)] public required LiftDispersion CrossChannel { get; init; }
    [Id(9)] public decimal BudgetTotal { get; init; }
    [Id(10)] public decimal BudgetSpent { get; init; }
    [Id(11)] public SpendPoint[] Pacing { get; init; } = [];
    /// <summary>Per action: customers sent it vs holdout customers it would have been sent to.</summary>
    [Id(70)] public LiftSummary[] Actions { get; init; } = [];
    /// <summary>For a report over a period: its first and last UTC day (inclusive); decisions, sends, spend and outcomes counted on the day they reached the campaign. Null: since the campaign started.</summary>
    [Id(71)] public DateOnly? PeriodFrom { get; init; }
    [Id(72)] public DateOnly? PeriodTo { get; init; }
}

/// <summary>Treated vs holdout for one scope ("all" or a channel).</summary>
[GenerateSerializer, Immutable, Alias("ma.lift-summary")]
public sealed record LiftSummary
{
    [Id(0)] public required string Scope { get; init; }
    [Id(1)] public required ArmOutcome Treated { get; init; }
    [Id(2)] public required ArmOutcome Holdout { get; init; }
    /// <summary>Treated minus holdout conversion rate (per decision), Newcombe hybrid-score 95% interval.</summary>
    [Id(3)] public Interval? AbsoluteLift { get; init; }
    /// <summary>Treated / holdout conversion rate − 1, 95% interval from the log ratio (delta method).</summary>
    [Id(4)] public Interval? RelativeLift { get; init; }
    [Id(5)] public Interval? IncrementalConversions { get; init; }
    [Id(6)] public Interval? IncrementalRevenue { get; init; }
    /// <summary>(incremental revenue − spend) / spend; null when nothing was spent.</summary>
    [Id(7)] public Interval? Roi { get; init; }
    /// <summary>Spend / incremental conversions; null unless the point estimate of incremental conversions is positive.</summary>
    [Id(8)] public double? CostPerIncrementalConversion { get; init; }
}

[GenerateSerializer, Immutable, Alias("ma.arm-outcome")]
public sealed record ArmOutcome
{
    [Id(0)] public long Decisions { get; init; }
    [Id(1)] public long Sends { get; init; }
    [Id(2)] public decimal Spend { get; init; }
    [Id(3)] public long Conversions { get; init; }
    [Id(4)] public decimal Revenue { get; init; }
    [Id(5)] public double ConversionRate { get; init; }
    [Id(6)] public double RevenuePerDecision { get; init; }
}

/// <summary>A point estimate with its 95% interval.</summary>
[GenerateSerializer, Immutable, Alias("ma.interval")]
public sealed record Interval
{
    [Id(0)] public required double Estimate { get; init; }
    [Id(1)] public required double Lower { get; init; }
    [Id(2)] public required double Upper { get; init; }
}

/// <summary>
/// How consistent the absolute lift is across channels: the spread of the channel estimates,
/// Cochran's Q and I² (share of the spread beyond what sampling noise explains).
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.lift-dispersion")]
public sealed record LiftDispersion
{
    [Id(0)] public int Channels { get; init; }
    [Id(1)] public double? StandardDeviation { get; init; }
    [Id(2)] public double? CochranQ { get; init; }
    [Id(3)] public double? ISquared { get; init; }
}
