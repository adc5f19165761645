using MarketingActors.Services;
using Microsoft.Extensions.Logging;
using MarketingActors.Storage;

namespace MarketingActors.Campaigns;

/// <summary>
/// Keeps every campaign definition and pushes each change to the subscribed per-silo caches
/// before the change is acknowledged, so the next event on any silo sees it.
/// </summary>
public sealed class CampaignCatalogGrain(
    [PersistentState("catalog", StorageNames.Campaigns)] IPersistentState<CampaignCatalogState> state,
    TimeProvider clock,
    ILogger<CampaignCatalogGrain> logger) : Grain, ICampaignCatalogGrain
{
    private static readonly TimeSpan NotifyTimeout = TimeSpan.FromSeconds(5);

    private readonly GrainObservers<ICampaignCatalogObserver> _observers = new(clock, NotifyTimeout);

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
        _observers.Subscribe(observer);
        return Task.CompletedTask;
    }

    private CatalogSnapshot Snapshot() => new()
    {
        Version = state.State.Version,
        Campaigns = [.. state.State.Campaigns.Values.OrderBy(c => c.Id, StringComparer.Ordinal)],
        KillSwitch = state.State.KillSwitch,
    };

    private Task NotifyAll()
    {
        var snapshot = Snapshot();
        // The cache re-pulls the snapshot on its own schedule; a dead one is dropped.
        return _observers.Push(observer => observer.OnCatalogChanged(snapshot),
            e => logger.LogWarning(e, "Campaign cache did not take catalog version {Version}; dropping it until it re-subscribes", snapshot.Version));
    }
}
