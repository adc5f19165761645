namespace MarketingActors.Learning;

/// <summary>
/// One labelled example: the feature vector a customer grain scored with at a decision point, and
/// whether the customer converted within the label window after it. Carries the score and model
/// version served at that moment so live AUC and drift can be measured per model version.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.training-row")]
public sealed record TrainingRow
{
    [Id(0)] public required float[] Features { get; init; }
    [Id(1)] public required bool Converted { get; init; }
    /// <summary>When the snapshot was taken; holdouts are cut by this time.</summary>
    [Id(2)] public required DateTimeOffset At { get; init; }
    /// <summary>Conversion value (0 for negatives); the top converters by value seed the lookalike prototypes.</summary>
    [Id(3)] public double Value { get; init; }
    [Id(4)] public required string ModelVersion { get; init; }
    [Id(5)] public required double Score { get; init; }
    [Id(6)] public string? CustomerId { get; init; }
}

/// <summary>One silo's labelled rows of one flush interval: the item of the training-rows stream.</summary>
[GenerateSerializer, Immutable, Alias("ma.training-row-batch")]
public sealed record TrainingRowBatch
{
    [Id(0)] public required TrainingRow[] Rows { get; init; }
}
