using MarketingActors.Campaigns;
using MarketingActors.Core.Budget;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MarketingActors.Services.Campaigns;

/// <summary>
/// Every report interval, sends each campaign this silo's lease usage and tallies, and takes back
/// fresh variant posteriors for the decision step. On shutdown, returns every lease.
/// </summary>
public sealed class CampaignSync(
    IGrainFactory grains,
    BudgetLeaseBroker broker,
    CampaignDirectory directory,
    IOptions<BudgetOptions> options,
    ILogger<CampaignSync> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReportInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await Flush(closeAll: false);
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

    /// <summary>One round of reports; exposed so tests and shutdown can force it.</summary>
    public async Task Flush(bool closeAll)
    {
        var active = directory.Active.Select(c => c.Id);
        var reports = broker.TakeReports(active, closeAll);
        await Task.WhenAll(reports.Select(async report =>
        {
            try
            {
                var feedback = await grains.GetGrain<ICampaignGrain>(report.CampaignId).Report(report);
                broker.Acknowledge(report.CampaignId, report.Sequence);
                directory.UpdateEvidence(report.CampaignId, feedback);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Campaign {Campaign} did not acknowledge this silo's report {Sequence}; sending it again next round", report.CampaignId, report.Sequence);
            }
        }));
    }
}
