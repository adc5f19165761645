using System.ComponentModel.DataAnnotations;

namespace MarketingActors.Journal;

/// <summary>Group commit of the event journal.</summary>
public sealed class JournalOptions
{
    public const string Section = "MarketingActors:Journal";

    /// <summary>At most this many events share one COPY/commit.</summary>
    [Range(1, 1_000_000)] public int MaxBatchEvents { get; set; } = 20_000;

    /// <summary>Commits in flight at once; each takes whatever accumulated while the others were committing.</summary>
    [Range(1, 64)] public int Writers { get; set; } = 2;
}
