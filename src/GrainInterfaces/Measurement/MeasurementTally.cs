namespace MarketingActors.Measurement;

/// <summary>
/// Increments for one campaign, measurement group and channel since the last silo report. For a
/// holdout the channel is that of the action it would have been sent. RevenueSquares lets the
/// campaign compute the variance of revenue per decision without keeping every outcome.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.measurement-tally")]
public sealed record MeasurementTally
{
    [Id(0)] public required MeasurementGroup Group { get; init; }
    [Id(1)] public required string Channel { get; init; }
    [Id(2)] public long Decisions { get; init; }
    [Id(3)] public long Sends { get; init; }
    [Id(4)] public decimal Spend { get; init; }
    [Id(5)] public long Conversions { get; init; }
    [Id(6)] public decimal Revenue { get; init; }
    [Id(7)] public double RevenueSquares { get; init; }
    /// <summary>The action sent (treated) or that would have been sent (holdout), for the per-action lift.</summary>
    [Id(70)] public string? ActionId { get; init; }

    public MeasurementTally Plus(MeasurementTally other) => this with
    {
        Decisions = Decisions + other.Decisions,
        Sends = Sends + other.Sends,
        Spend = Spend + other.Spend,
        Conversions = Conversions + other.Conversions,
        Revenue = Revenue + other.Revenue,
        RevenueSquares = RevenueSquares + other.RevenueSquares,
    };
}

/// <summary>Cumulative confirmed spend at the end of one UTC hour: the budget pacing series.</summary>
[GenerateSerializer, Immutable, Alias("ma.spend-point")]
public sealed record SpendPoint
{
    [Id(0)] public required DateTimeOffset Hour { get; init; }
    [Id(1)] public required decimal CumulativeSpend { get; init; }
}
