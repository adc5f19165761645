using System.ComponentModel.DataAnnotations;

namespace MarketingActors.Core.Learning;

/// <summary>Labelling, retraining cadence, promotion and rollback rules of the learning loop.</summary>
public sealed class LearningOptions : IValidatableObject
{
    public const string Section = "MarketingActors:Learning";

    /// <summary>A snapshot is positive if the customer converts within this long after it; the model predicts 24-hour conversion.</summary>
    public TimeSpan LabelWindow { get; set; } = TimeSpan.FromHours(24);
    [Range(1, 64)] public int MaxOpenSnapshots { get; set; } = 8;
    public TimeSpan SnapshotSpacing { get; set; } = TimeSpan.FromMinutes(15);

    [Range(1, 10_000_000)] public int TrainEveryRows { get; set; } = 20_000;
    public TimeSpan TrainEvery { get; set; } = TimeSpan.FromHours(1);
    [Range(10, 10_000_000)] public int MinTrainingRows { get; set; } = 500;
    [Range(1_000, 10_000_000)] public int MaxBufferedRows { get; set; } = 1_000_000;
    [Range(0.05, 0.5)] public double HoldoutFraction { get; set; } = 0.2;
    [Range(0.0, 0.5)] public double PromotionMargin { get; set; } = 0.005;

    [Range(0.0, 0.5)] public double RollbackMargin { get; set; } = 0.03;
    [Range(10, 1_000_000)] public int MinLiveRows { get; set; } = 1_000;
    [Range(1, 1_000_000)] public int MinLivePositives { get; set; } = 30;

    [Range(1, 2_000)] public int Trees { get; set; } = 100;
    [Range(2, 1_000)] public int Leaves { get; set; } = 20;
    [Range(1, 100_000)] public int MinRowsPerLeaf { get; set; } = 20;
    [Range(0.001, 1.0)] public double LearningRate { get; set; } = 0.2;

    [Range(1, 64)] public int LookalikeClusters { get; set; } = 4;
    [Range(0.01, 1.0)] public double LookalikeTopFraction { get; set; } = 0.25;
    [Range(0.0, 1.0)] public double LookalikeThreshold { get; set; } = 0.6;

    /// <summary>How often each silo publishes its labelled rows on the training-rows stream, as one batch.</summary>
    public TimeSpan RowFlushInterval { get; set; } = TimeSpan.FromSeconds(1);
    [Range(100, 10_000_000)] public int MaxPendingRowsPerSilo { get; set; } = 200_000;
    /// <summary>
    /// Rows per stream message. A row with 16 features is about 150 bytes serialized and the
    /// in-memory stream cache refuses messages over its 1 MiB segment, hence the bound.
    /// </summary>
    [Range(1, 5_000)] public int RowBatchSize { get; set; } = 2_000;

    public LabelSettings Labels => new(LabelWindow, MaxOpenSnapshots, SnapshotSpacing);

    public TrainingPipeline.Settings Pipeline => new()
    {
        HoldoutFraction = HoldoutFraction,
        Trainer = new TrainerSettings { Trees = Trees, Leaves = Leaves, MinRowsPerLeaf = MinRowsPerLeaf, LearningRate = LearningRate },
        Lookalike = new LookalikePrototypes.Settings(LookalikeClusters, LookalikeTopFraction),
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (LabelWindow <= TimeSpan.Zero) yield return new("LabelWindow must be positive", [nameof(LabelWindow)]);
        if (SnapshotSpacing < TimeSpan.Zero) yield return new("SnapshotSpacing must not be negative", [nameof(SnapshotSpacing)]);
        if (TrainEvery <= TimeSpan.Zero) yield return new("TrainEvery must be positive", [nameof(TrainEvery)]);
        if (RowFlushInterval <= TimeSpan.Zero) yield return new("RowFlushInterval must be positive", [nameof(RowFlushInterval)]);
        if (MinLivePositives > MinLiveRows) yield return new("MinLivePositives cannot exceed MinLiveRows", [nameof(MinLivePositives)]);
    }
}
