using MarketingActors.Learning;
namespace MarketingActors.Core.Learning;

/// <summary>
/// Live quality per model version from labelled outcomes: the score each version served and what
/// happened next. Keeps the latest <see cref="Capacity"/> outcomes per version, so memory is bounded.
/// </summary>
public sealed class LiveQualityMonitor(int capacity = LiveQualityMonitor.DefaultCapacity)
{
    public const int DefaultCapacity = 20_000;

    private readonly Dictionary<string, Queue<(double Score, bool Converted)>> _byVersion = new();

    public int Capacity { get; } = capacity;

    public void Record(TrainingRow row)
    {
        if (!_byVersion.TryGetValue(row.ModelVersion, out var outcomes)) _byVersion[row.ModelVersion] = outcomes = new();
        outcomes.Enqueue((row.Score, row.Converted));
        if (outcomes.Count > Capacity) outcomes.Dequeue();
    }

    public LiveModelQuality Quality(string version, ScoreReference? reference)
    {
        if (!_byVersion.TryGetValue(version, out var outcomes) || outcomes.Count == 0) return new LiveModelQuality { Version = version };
        var scores = outcomes.Select(o => o.Score).ToArray();
        var labels = outcomes.Select(o => o.Converted).ToArray();
        var auc = ModelEvaluation.Auc(scores, labels);
        return new LiveModelQuality
        {
            Version = version,
            LiveAuc = double.IsFinite(auc) ? auc : null,
            LabelledRows = outcomes.Count,
            Positives = labels.Count(l => l),
            ScorePsi = reference?.Psi(scores),
        };
    }

    public IEnumerable<string> Versions => _byVersion.Keys;
}
