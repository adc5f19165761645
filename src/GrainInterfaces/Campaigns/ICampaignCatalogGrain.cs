namespace MarketingActors.Campaigns;

/// <summary>
/// The cluster-wide list of campaign definitions (one activation, key 0). It pushes every change to
/// the per-silo caches that subscribed, so customer grains never call a campaign grain per event.
/// </summary>
[Alias("ma.catalog")]
public interface ICampaignCatalogGrain : IGrainWithIntegerKey
{
    [Alias("publish")]
    Task Publish(CampaignDefinition definition);

    [Alias("snapshot")]
    Task<CatalogSnapshot> GetSnapshot();

    [Alias("subscribe")]
    Task Subscribe(ICampaignCatalogObserver observer);

    [Alias("kill-switch")]
    Task<KillSwitchState> SetKillSwitch(string? campaignId, bool engaged);
}

[Alias("ma.catalog-observer")]
public interface ICampaignCatalogObserver : IGrainObserver
{
    [Alias("changed")]
    Task OnCatalogChanged(CatalogSnapshot snapshot);
}

[GenerateSerializer, Immutable, Alias("ma.catalog-snapshot")]
public sealed record CatalogSnapshot
{
    /// <summary>Increases with every published change; caches ignore snapshots older than what they hold.</summary>
    [Id(0)] public long Version { get; init; }
    [Id(1)] public CampaignDefinition[] Campaigns { get; init; } = [];
    [Id(2)] public KillSwitchState KillSwitch { get; init; } = new();
}

/// <summary>Global and per-campaign emergency stop. Travels in the catalog snapshot, so every silo's cache honours it before the change is acknowledged.</summary>
[GenerateSerializer, Immutable, Alias("ma.kill-switch")]
public sealed record KillSwitchState
{
    [Id(0)] public bool Global { get; init; }
    [Id(1)] public string[] Campaigns { get; init; } = [];

    public bool Halts(string campaignId) => Global || Campaigns.Contains(campaignId, StringComparer.Ordinal);
}
