using Microsoft.Extensions.Logging;
using MarketingActors.Storage;

namespace MarketingActors.Campaigns;

/// <summary>
/// Keeps every campaign definition and pushes each change to the subscribed per-silo caches
/// before the change is acknowledged, so the next event on any silo sees it.
/// </summary>
public sealed class CampaignCatalogGrain(
    [PersistentState("catalog", StorageNames.Campaigns)] IPersistentState<CampaignCatalogState> state,
    ILogger<CampaignCatalogGrain> logger) : Grain, ICampaignCatalogGrain
{
    /// <summary>A cache that has not re-subscribed for this long is presumed gone with its silo.</summary>
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan NotifyTimeout = TimeSpan.FromSeconds(5);

    private readonly Dictionary<ICampaignCatalogObserver, DateTimeOffset> _observers = new();

    public async Task Publish(CampaignDefinition definition)
    {
        state.State.Campaigns[definition.Id] = definition;
        state.State.Version++;
        await state.WriteStateAsync();
        await NotifyAll();
    }

    public async Task<KillSwitchState> SetKillSwitch(string? campaignId, bool engaged)
    {
        var current = state.State.KillSwitch;
        state.State.KillSwitch = campaignId is null
            ? current with { Global = engaged }
            : current with { Campaigns = engaged ? [.. current.Campaigns.Append(campaignId).Distinct()] : [.. current.Campaigns.Where(c => c != campaignId)] };
        state.State.Version++;
        await state.WriteStateAsync();
        await NotifyAll();
        return state.State.KillSwitch;
    }

    public Task<CatalogSnapshot> GetSnapshot() => Task.FromResult(Snapshot());

    public Task Subscribe(ICampaignCatalogObserver observer)
    {
        _observers[observer] = DateTimeOffset.UtcNow;
        return Task.CompletedTask;
    }

    private CatalogSnapshot Snapshot() => new()
    {
        Version = state.State.Version,
        Campaigns = [.. state.State.Campaigns.Values.OrderBy(c => c.Id, StringComparer.Ordinal)],
        KillSwitch = state.State.KillSwitch,
    };

    private async Task NotifyAll()
    {
        var cutoff = DateTimeOffset.UtcNow - SubscriptionLifetime;
        foreach (var stale in _observers.Where(o => o.Value < cutoff).Select(o => o.Key).ToList()) _observers.Remove(stale);
        var snapshot = Snapshot();
        var calls = _observers.Keys.Select(async observer =>
        {
            try
            {
                await observer.OnCatalogChanged(snapshot).WaitAsync(NotifyTimeout);
            }
            catch (Exception e)
            {
                // The cache re-pulls the snapshot on its own schedule; a dead one is dropped.
                logger.LogWarning(e, "Campaign cache did not take catalog version {Version}; dropping it until it re-subscribes", snapshot.Version);
                _observers.Remove(observer);
            }
        }).ToList();
        await Task.WhenAll(calls);
    }
}
