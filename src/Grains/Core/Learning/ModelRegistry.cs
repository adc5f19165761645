using MarketingActors.Core.Profiles;
using MarketingActors.Learning;

namespace MarketingActors.Core.Learning;

/// <summary>One registered version: its metadata, bytes, lookalike prototypes and the drift reference of its training window.</summary>
[GenerateSerializer, Alias("ma.model-entry")]
public sealed class ModelEntry
{
    [Id(0)] public required ModelVersionInfo Info { get; set; }
    [Id(1)] public byte[] Bytes { get; set; } = [];
    [Id(2)] public LookalikeProfile? Lookalike { get; set; }
    [Id(3)] public ScoreReference? ScoreReference { get; set; }
    /// <summary>The champion this version replaced when it was promoted; automatic rollback returns to it.</summary>
    [Id(4)] public string? Predecessor { get; set; }
}

/// <summary>
/// Every model version ever trained, which one is champion, and an append-only history of
/// champion changes. The built-in prior is the champion until something is promoted and can be
/// rolled back to like any version. Pure; the RetrainingGrain persists it.
/// </summary>
[GenerateSerializer, Alias("ma.model-registry")]
public sealed class ModelRegistry
{
    public const string Prior = LogisticPriorModel.PriorVersion;

    [Id(0)] public List<ModelEntry> Entries { get; set; } = [];
    [Id(1)] public string Champion { get; set; } = Prior;
    [Id(2)] public long Generation { get; set; }
    [Id(3)] public List<PromotionRecord> History { get; set; } = [];
    [Id(4)] public int NextVersion { get; set; } = 1;

    public ModelEntry? Find(string version) => Entries.Find(e => e.Info.Version == version);

    public ModelEntry? ChampionEntry => Find(Champion);

    public string NewVersionName() => $"fasttree-v{NextVersion++}";

    public void Register(ModelEntry entry) => Entries.Add(entry);

    public void Promote(string version, string actor, string reason, DateTimeOffset at)
    {
        var entry = Find(version) ?? throw new LearningException(LearningReasons.ModelNotFound, $"no model version '{version}'");
        entry.Predecessor = Champion;
        Change(entry, "promote", actor, reason, at);
    }

    /// <summary>Makes an earlier version (or the prior) champion again; the version rolled back from is marked so.</summary>
    public void Rollback(string version, string actor, string reason, DateTimeOffset at, bool automatic)
    {
        if (version == Champion) throw new LearningException(LearningReasons.AlreadyChampion, $"'{version}' is already the champion");
        if (version != Prior && Find(version) is null) throw new LearningException(LearningReasons.ModelNotFound, $"no model version '{version}'");
        if (ChampionEntry is { } current) current.Info = current.Info with { Status = ModelStatus.RolledBack };
        Change(Find(version), automatic ? "auto_rollback" : "rollback", actor, reason, at, version);
    }

    public PublishedModel Published()
    {
        var entry = ChampionEntry;
        return new PublishedModel { Version = Champion, Bytes = entry?.Bytes ?? [], Lookalike = entry?.Lookalike, Generation = Generation };
    }

    private void Change(ModelEntry? to, string action, string actor, string reason, DateTimeOffset at, string? version = null)
    {
        var target = to?.Info.Version ?? version!;
        if (ChampionEntry is { Info.Status: ModelStatus.Champion } previous) previous.Info = previous.Info with { Status = ModelStatus.Retired };
        if (to is not null) to.Info = to.Info with { Status = ModelStatus.Champion };
        History.Add(new PromotionRecord { At = at, Actor = actor, Action = action, From = Champion, To = target, Reason = reason });
        Champion = target;
        Generation++;
    }
}
