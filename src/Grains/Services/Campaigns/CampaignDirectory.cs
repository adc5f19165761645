using MarketingActors.Core.Customers;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using MarketingActors.Campaigns;
using MarketingActors.Core.Decisions;
using Microsoft.Extensions.Logging;

namespace MarketingActors.Services.Campaigns;

/// <summary>
/// The per-silo cache of active campaigns and their variant posteriors. Customer grains read it
/// on every event without a grain call; the catalog pushes changes to it (<see cref="GrainSubscription"/>
/// re-pulls in case a push was lost).
/// </summary>
public sealed class CampaignDirectory(IGrainFactory grains, ILogger<CampaignDirectory> logger)
    : GrainSubscription(logger), ICampaignCatalogObserver, ICampaignBook
{
    private volatile Catalog _catalog = Catalog.Empty;
    private readonly ConcurrentDictionary<string, VariantEvidence> _evidence = new();
    private ICampaignCatalogObserver? _reference;

    private sealed record Catalog(long Version, ImmutableArray<CampaignDefinition> Active, ImmutableArray<CampaignDefinition> All)
    {
        public static readonly Catalog Empty = new(-1, [], []);
    }

    public long Version => _catalog.Version;

    /// <summary>Active campaigns, in id order so decisions are reproducible.</summary>
    public ImmutableArray<CampaignDefinition> Active => _catalog.Active;

    public ImmutableArray<CampaignDefinition> All => _catalog.All;

    public VariantEvidence EvidenceOf(string campaignId) =>
        _evidence.TryGetValue(campaignId, out var e) ? e : VariantEvidence.None;

    /// <summary>Swaps in the evidence a report answer brought (campaign-wide and per segment), built once here rather than per decision.</summary>
    public void UpdateEvidence(string campaignId, CampaignFeedback feedback) =>
        _evidence[campaignId] = VariantEvidence.Of(feedback.Posteriors, feedback.Segments, feedback.Arms);

    /// <summary>Loads the catalog if this silo has never seen it (first event before the background subscription ran).</summary>
    public async ValueTask EnsureLoaded()
    {
        if (_catalog.Version >= 0) return;
        Apply(await grains.GetGrain<ICampaignCatalogGrain>(0).GetSnapshot());
    }

    public Task OnCatalogChanged(CatalogSnapshot snapshot)
    {
        Apply(snapshot);
        return Task.CompletedTask;
    }

    protected override bool Loaded => _catalog.Version >= 0;

    protected override string Describe => $"catalog version {Version}";

    protected override async Task Resubscribe()
    {
        var catalog = grains.GetGrain<ICampaignCatalogGrain>(0);
        _reference ??= grains.CreateObjectReference<ICampaignCatalogObserver>(this);
        await catalog.Subscribe(_reference);
        Apply(await catalog.GetSnapshot());
    }

    private void Apply(CatalogSnapshot snapshot)
    {
        while (true)
        {
            var current = _catalog;
            if (snapshot.Version <= current.Version) return;
            var all = snapshot.Campaigns.ToImmutableArray();
            // A halted campaign is simply not active here: no decision, no journey step, no lease.
            var next = new Catalog(snapshot.Version, [.. all.Where(c => c.Status == CampaignStatus.Active && !snapshot.KillSwitch.Halts(c.Id))], all);
            if (Interlocked.CompareExchange(ref _catalog, next, current) == current) return;
        }
    }
}
