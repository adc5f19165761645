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

/// <summary>The customer's snapshots still inside their label window, oldest first; persisted with the customer, bounded.</summary>
[GenerateSerializer, Alias("ma.open-snapshots")]
public sealed class OpenSnapshots
{
    // Sized to what is open (mostly one snapshot), not a list with spare capacity: every live customer keeps one.
    [NonSerialized] private FeatureSnapshot[] _open = [];

    /// <summary>A copy, in the shape it has always had on the wire (a list).</summary>
    [Id(0)]
    public List<FeatureSnapshot> Open
    {
        get => [.. _open];
        set => _open = [.. value];
    }

    /// <summary>Snapshots pushed out by the bound before they were labelled (they never become rows).</summary>
    [Id(1)] public long Dropped { get; set; }

    public int Count => _open.Length;

    public FeatureSnapshot Oldest => _open[0];

    public FeatureSnapshot Newest => _open[^1];

    /// <summary>Adds the newest snapshot; past <paramref name="maxOpen"/> the oldest is dropped.</summary>
    public void Add(FeatureSnapshot snapshot, int maxOpen)
    {
        var keep = Math.Min(_open.Length, maxOpen - 1);
        Dropped += _open.Length - keep;
        var next = new FeatureSnapshot[keep + 1];
        Array.Copy(_open, _open.Length - keep, next, 0, keep);
        next[keep] = snapshot;
        _open = next;
    }

    public FeatureSnapshot TakeOldest()
    {
        var oldest = _open[0];
        _open = _open[1..];
        return oldest;
    }

    /// <summary>Removes and returns, oldest first, every snapshot <paramref name="match"/> accepts.</summary>
    public List<FeatureSnapshot> TakeAll(Predicate<FeatureSnapshot> match)
    {
        var taken = Array.FindAll(_open, match);
        if (taken.Length > 0) _open = Array.FindAll(_open, s => !match(s));
        return [.. taken];
    }
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
        if (open.Count > 0 && at - open.Newest.At < settings.MinSpacing) return;
        open.Add(new FeatureSnapshot { At = at, Features = features, Score = score, ModelVersion = modelVersion }, settings.MaxOpen);
    }

    public static void Expire(OpenSnapshots open, DateTimeOffset now, LabelSettings settings, string? customerId, List<TrainingRow> into)
    {
        while (open.Count > 0 && now - open.Oldest.At > settings.Window) into.Add(Row(open.TakeOldest(), converted: false, value: 0, customerId));
    }

    public static void Convert(OpenSnapshots open, DateTimeOffset at, double value, LabelSettings settings, string? customerId, List<TrainingRow> into)
    {
        Expire(open, at, settings, customerId, into);
        foreach (var s in open.TakeAll(s => s.At <= at)) into.Add(Row(s, converted: true, value, customerId));
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
