using MarketingActors.Campaigns;
using MarketingActors.Core.Budget;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MarketingActors.Services.Campaigns;

/// <summary>
/// Every report interval, or sooner when a batch of outcomes has settled (no more often than the
/// minimum gap), sends each campaign this silo's lease usage (the budget channel), then its
/// tallies (the evidence channel), and takes back fresh variant posteriors for the decision step.
/// Lease usage goes first so the anomaly guard, which looks on each tally report, sees the spend
/// behind those deliveries. On shutdown, returns every lease.
/// </summary>
public sealed class CampaignSync(
    IGrainFactory grains,
    BudgetLeaseBroker broker,
    CampaignTallies tallies,
    CampaignDirectory directory,
    IOptions<BudgetOptions> options,
    ILogger<CampaignSync> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var (interval, gap) = (options.Value.ReportInterval, options.Value.MinReportGap);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var early = await tallies.WaitForEvidence(interval, stoppingToken);
                await Flush(closeAll: false);
                if (early) await Task.Delay(gap, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await Flush(closeAll: true);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not return budget leases at shutdown; they will expire and be written off");
        }
    }

    /// <summary>One round of reports; shutdown forces one that closes every lease.</summary>
    public async Task Flush(bool closeAll)
    {
        var leaseReports = broker.TakeReports(closeAll).ToDictionary(r => r.CampaignId);
        var tallyReports = tallies.TakeReports(directory.Active.Select(c => c.Id).Concat(leaseReports.Keys)).ToDictionary(r => r.CampaignId);
        await Task.WhenAll(tallyReports.Keys.Union(leaseReports.Keys).Select(async campaignId =>
        {
            var campaign = grains.GetGrain<ICampaignGrain>(campaignId);
            try
            {
                if (leaseReports.TryGetValue(campaignId, out var leases))
                {
                    await campaign.ReportLeases(leases);
                    broker.Acknowledge(campaignId, leases.Sequence);
                }
                if (tallyReports.TryGetValue(campaignId, out var tally))
                {
                    directory.UpdateEvidence(campaignId, await campaign.ReportTallies(tally));
                    tallies.Acknowledge(campaignId, tally.Sequence);
                }
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Campaign {Campaign} did not acknowledge this silo's reports; sending them again next round", campaignId);
            }
        }));
    }
}
