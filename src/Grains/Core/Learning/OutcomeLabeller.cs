using MarketingActors.Learning;
namespace MarketingActors.Core.Learning;

/// <summary>A feature vector taken at a decision point, waiting for its outcome.</summary>
[GenerateSerializer, Alias("ma.feature-snapshot")]
public sealed record FeatureSnapshot
{
    [Id(0)] public required DateTimeOffset At { get; init; }
    [Id(1)] public required float[] Features { get; init; }
    [Id(2)] public required double Score { get; init; }
    [Id(3)] public required string ModelVersion { get; init; }
}

/// <summary>The customer's snapshots still inside their label window; persisted with the customer, bounded.</summary>
[GenerateSerializer, Alias("ma.open-snapshots")]
public sealed class OpenSnapshots
{
    [Id(0)] public List<FeatureSnapshot> Open { get; set; } = [];
    /// <summary>Snapshots pushed out by the bound before they were labelled (they never become rows).</summary>
    [Id(1)] public long Dropped { get; set; }
}

public sealed record LabelSettings(TimeSpan Window, int MaxOpen, TimeSpan MinSpacing);

/// <summary>
/// Turns decision-point snapshots into labelled rows: a conversion within the window labels every
/// open snapshot before it positive; a snapshot whose window has passed unlabelled becomes negative.
/// Snapshots are at least <see cref="LabelSettings.MinSpacing"/> apart so a burst of events does not
/// flood the training set with near-duplicates.
/// </summary>
public static class OutcomeLabeller
{
    public static void Snapshot(OpenSnapshots open, float[] features, double score, string modelVersion, DateTimeOffset at, LabelSettings settings)
    {
        if (open.Open.Count > 0 && at - open.Open[^1].At < settings.MinSpacing) return;
        open.Open.Add(new FeatureSnapshot { At = at, Features = features, Score = score, ModelVersion = modelVersion });
        if (open.Open.Count <= settings.MaxOpen) return;
        open.Open.RemoveAt(0);
        open.Dropped++;
    }

    public static void Expire(OpenSnapshots open, DateTimeOffset now, LabelSettings settings, string? customerId, List<TrainingRow> into)
    {
        while (open.Open.Count > 0 && now - open.Open[0].At > settings.Window)
        {
            into.Add(Row(open.Open[0], converted: false, value: 0, customerId));
            open.Open.RemoveAt(0);
        }
    }

    public static void Convert(OpenSnapshots open, DateTimeOffset at, double value, LabelSettings settings, string? customerId, List<TrainingRow> into)
    {
        Expire(open, at, settings, customerId, into);
        var labelled = open.Open.FindAll(s => s.At <= at);
        foreach (var s in labelled) into.Add(Row(s, converted: true, value, customerId));
        open.Open.RemoveAll(s => s.At <= at);
    }

    private static TrainingRow Row(FeatureSnapshot s, bool converted, double value, string? customerId) => new()
    {
        Features = s.Features,
        Converted = converted,
        At = s.At,
        Value = value,
        ModelVersion = s.ModelVersion,
        Score = s.Score,
        CustomerId = customerId,
    };
}
