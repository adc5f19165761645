using MarketingActors.Campaigns;

namespace MarketingActors.Services.Campaigns;

/// <summary>Where a silo's budget leases come from: the campaign grain's ledger (a seam so the broker's concurrency is tested on its own).</summary>
public interface ILeaseSource
{
    Task<BudgetLeaseGrant> Acquire(string campaignId, string holder, decimal requested);
}

/// <summary>Leases granted by each campaign's grain.</summary>
public sealed class CampaignLeaseSource(IGrainFactory grains) : ILeaseSource
{
    public Task<BudgetLeaseGrant> Acquire(string campaignId, string holder, decimal requested) =>
        grains.GetGrain<ICampaignGrain>(campaignId).AcquireLease(holder, requested);
}
