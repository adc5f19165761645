using System.ComponentModel.DataAnnotations;

namespace MarketingActors.Storage.Postgres;

/// <summary>Coalesced reads and group-committed writes of customer snapshots in cluster mode.</summary>
public sealed class CustomerSnapshotOptions
{
    public const string Section = "MarketingActors:CustomerSnapshots";

    /// <summary>Read queries in flight at once; each serves every activation that asked meanwhile.</summary>
    [Range(1, 64)] public int Readers { get; set; } = 2;

    /// <summary>At most this many customers per read query.</summary>
    [Range(1, 100_000)] public int MaxReadCustomers { get; set; } = 1_000;

    /// <summary>Group commits in flight at once; each commits every snapshot queued meanwhile.</summary>
    [Range(1, 64)] public int Writers { get; set; } = 2;

    /// <summary>At most this many snapshots share one round trip and commit (a snapshot is a few kB).</summary>
    [Range(1, 100_000)] public int MaxWriteSnapshots { get; set; } = 500;

    /// <summary>Connections the snapshots may hold: one per reader and per writer.</summary>
    public int Connections => Readers + Writers;
}
