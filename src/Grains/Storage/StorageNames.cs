namespace MarketingActors.Storage;

/// <summary>The engine's grain storage providers, named once: each backend registers these, each grain's state names one.</summary>
public static class StorageNames
{
    /// <summary>Customer snapshots: read on every activation, written by every busy customer (the engine's own batched table on PostgreSQL).</summary>
    public const string Customers = "customers";

    /// <summary>Campaign definitions, ledgers, tallies, the catalog and the model registry.</summary>
    public const string Campaigns = "campaigns";

    /// <summary>Principals, keys, sessions and the approval queue.</summary>
    public const string Governance = "governance";

    public static readonly IReadOnlyList<string> All = [Customers, Campaigns, Governance];
}
