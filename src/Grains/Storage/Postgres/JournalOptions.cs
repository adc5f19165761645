using System.ComponentModel.DataAnnotations;

namespace MarketingActors.Storage.Postgres;

/// <summary>Group commit and coalesced tail reads of the event journal.</summary>
public sealed class JournalOptions
{
    public const string Section = "MarketingActors:Journal";

    /// <summary>At most this many events share one COPY/commit.</summary>
    [Range(1, 1_000_000)] public int MaxBatchEvents { get; set; } = 20_000;

    /// <summary>Commits in flight at once; each takes whatever accumulated while the others were committing.</summary>
    [Range(1, 64)] public int Writers { get; set; } = 2;

    /// <summary>Tail-read queries in flight at once; each serves every activation that asked meanwhile.</summary>
    [Range(1, 64)] public int TailReaders { get; set; } = 2;

    /// <summary>At most this many customers' tails per query.</summary>
    [Range(1, 100_000)] public int MaxTailReadCustomers { get; set; } = 1_000;

    /// <summary>
    /// How new rows hold their event. <see cref="JournalRowFormat.Json"/> only while a rolling upgrade from a version
    /// before 2026-12-07 still has older silos (they read only JSON rows); rows of either format read whatever this says.
    /// </summary>
    [EnumDataType(typeof(JournalRowFormat))] public JournalRowFormat RowFormat { get; set; } = JournalRowFormat.Binary;

    /// <summary>Connections the journal may hold: one per writer and per tail reader.</summary>
    public int Connections => Writers + TailReaders;
}
