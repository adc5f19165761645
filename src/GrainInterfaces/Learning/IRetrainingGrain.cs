namespace MarketingActors.Learning;

/// <summary>
/// The learning loop's one activation (key 0): buffers the labelled rows that arrive on the
/// training-rows stream (not through this interface), trains challengers, promotes
/// them over the champion only when they are better, keeps the model registry and its history,
/// watches live quality and pushes the champion to every silo's model cache.
/// </summary>
[Alias("ma.retraining")]
public interface IRetrainingGrain : IGrainWithIntegerKey
{
    /// <summary>Trains a challenger on the buffered rows now; joins a training already running.</summary>
    [Alias("train")]
    Task<TrainingOutcome> TrainNow(string actor);

    [Alias("versions")]
    Task<ModelVersionInfo[]> ListVersions();

    /// <summary>The model to serve: the champion, or the built-in prior when nothing was promoted.</summary>
    [Alias("champion")]
    Task<PublishedModel> GetChampion();

    [Alias("rollback")]
    Task<ModelCommandResult> Rollback(string version, string actor, string? reason);

    [Alias("history")]
    Task<PromotionRecord[]> History();

    [Alias("monitoring")]
    Task<ModelMonitoring> Monitoring();

    [Alias("subscribe")]
    Task Subscribe(IModelObserver observer);
}

[Alias("ma.model-observer")]
public interface IModelObserver : IGrainObserver
{
    [Alias("promoted")]
    Task OnChampionChanged(PublishedModel model);
}

[GenerateSerializer, Alias("ma.model-status")]
public enum ModelStatus
{
    Champion,
    Retired,
    Rejected,
    RolledBack,
}

[GenerateSerializer, Immutable, Alias("ma.reliability-bin")]
public sealed record ReliabilityBin
{
    [Id(0)] public double MeanPredicted { get; init; }
    [Id(1)] public double ObservedRate { get; init; }
    [Id(2)] public int Count { get; init; }
}

/// <summary>Quality on a time-ordered holdout: ranking (AUC), probability quality (log-loss, Brier) and calibration.</summary>
[GenerateSerializer, Immutable, Alias("ma.model-metrics")]
public sealed record ModelMetrics
{
    [Id(0)] public double Auc { get; init; }
    [Id(1)] public double LogLoss { get; init; }
    [Id(2)] public double Brier { get; init; }
    [Id(3)] public ReliabilityBin[] Reliability { get; init; } = [];
    [Id(4)] public int HoldoutRows { get; init; }
    [Id(5)] public int HoldoutPositives { get; init; }
}

[GenerateSerializer, Immutable, Alias("ma.model-version")]
public sealed record ModelVersionInfo
{
    [Id(0)] public required string Version { get; init; }
    [Id(1)] public required ModelStatus Status { get; init; }
    [Id(2)] public required DateTimeOffset TrainedAt { get; init; }
    [Id(3)] public required ModelMetrics Metrics { get; init; }
    /// <summary>The champion's metrics on the same holdout when this version was trained.</summary>
    [Id(4)] public ModelMetrics? ChampionMetrics { get; init; }
    [Id(5)] public string? ChampionVersion { get; init; }
    [Id(6)] public DateTimeOffset WindowFrom { get; init; }
    [Id(7)] public DateTimeOffset WindowTo { get; init; }
    [Id(8)] public int TrainingRows { get; init; }
    [Id(9)] public int TrainingPositives { get; init; }
    [Id(10)] public required string FeatureSchemaHash { get; init; }
    [Id(11)] public int ModelBytes { get; init; }
    [Id(12)] public int Prototypes { get; init; }
    [Id(13)] public string? Note { get; init; }
}

/// <summary>What every silo needs to serve a version: the model bytes and the lookalike prototypes trained with it.</summary>
[GenerateSerializer, Immutable, Alias("ma.published-model")]
public sealed record PublishedModel
{
    [Id(0)] public required string Version { get; init; }
    /// <summary>Empty for the built-in prior.</summary>
    [Id(1)] public byte[] Bytes { get; init; } = [];
    [Id(2)] public LookalikeProfile? Lookalike { get; init; }
    /// <summary>Increases with every champion change; caches ignore anything older than what they hold.</summary>
    [Id(3)] public long Generation { get; init; }
}

/// <summary>Prototypes of past high-value converters in standardized feature space.</summary>
[GenerateSerializer, Immutable, Alias("ma.lookalike-profile")]
public sealed record LookalikeProfile
{
    [Id(0)] public required float[][] Prototypes { get; init; }
    [Id(1)] public required float[] Means { get; init; }
    [Id(2)] public required float[] Scales { get; init; }
    /// <summary>σ² of the similarity kernel.</summary>
    [Id(3)] public required double Bandwidth { get; init; }
}

[GenerateSerializer, Immutable, Alias("ma.training-outcome")]
public sealed record TrainingOutcome
{
    /// <summary>trained_and_promoted, kept_champion, or the reason nothing was trained (too_few_rows, one_class_only, ...).</summary>
    [Id(0)] public required string Result { get; init; }
    [Id(1)] public string? Version { get; init; }
    [Id(2)] public string Champion { get; init; } = "";
    [Id(3)] public string Detail { get; init; } = "";
    [Id(4)] public ModelMetrics? Metrics { get; init; }
    [Id(5)] public ModelMetrics? ChampionMetrics { get; init; }

    public bool Promoted => Result == TrainingResults.Promoted;
}

public static class TrainingResults
{
    public const string Promoted = "trained_and_promoted";
    public const string KeptChampion = "kept_champion";
}

[GenerateSerializer, Immutable, Alias("ma.model-command")]
public sealed record ModelCommandResult
{
    [Id(0)] public string? ErrorReason { get; init; }
    [Id(1)] public string Detail { get; init; } = "";
    [Id(2)] public string Champion { get; init; } = "";

    public bool Succeeded => ErrorReason is null;
}

/// <summary>One champion change: who, when, from which version to which, and why.</summary>
[GenerateSerializer, Immutable, Alias("ma.promotion-record")]
public sealed record PromotionRecord
{
    [Id(0)] public required DateTimeOffset At { get; init; }
    [Id(1)] public required string Actor { get; init; }
    /// <summary>promote, rollback or auto_rollback.</summary>
    [Id(2)] public required string Action { get; init; }
    [Id(3)] public required string From { get; init; }
    [Id(4)] public required string To { get; init; }
    [Id(5)] public string Reason { get; init; } = "";
}

[GenerateSerializer, Immutable, Alias("ma.live-quality")]
public sealed record LiveModelQuality
{
    [Id(0)] public required string Version { get; init; }
    /// <summary>Null until the version has labelled outcomes of both classes.</summary>
    [Id(1)] public double? LiveAuc { get; init; }
    [Id(2)] public int LabelledRows { get; init; }
    [Id(3)] public int Positives { get; init; }
    /// <summary>Population stability of the live scores against the scores on the version's training window; null without a reference.</summary>
    [Id(4)] public double? ScorePsi { get; init; }
}

[GenerateSerializer, Immutable, Alias("ma.model-monitoring")]
public sealed record ModelMonitoring
{
    [Id(0)] public required string Champion { get; init; }
    [Id(1)] public LiveModelQuality[] Versions { get; init; } = [];
    [Id(2)] public int BufferedRows { get; init; }
    [Id(3)] public long RowsReceived { get; init; }
    [Id(4)] public long RowsRejected { get; init; }
    [Id(5)] public DateTimeOffset? LastTrainingAt { get; init; }
    [Id(6)] public string? LastTrainingResult { get; init; }
}
