using MarketingActors.Campaigns;
using MarketingActors.Core.Governance;
using MarketingActors.Governance;
using Microsoft.Extensions.Options;

namespace MarketingActors.Services.Governance;

/// <summary>
/// Per silo, used by campaign grains on each silo report: samples the campaign, asks the anomaly
/// guard, and after an automatic pause writes the audit entry and sends the signed notice.
/// </summary>
public sealed class CampaignWatch(IOptions<AnomalyOptions> options, PauseNotifier notifier)
{
    public static readonly Principal Guard = new() { Id = "anomaly-guard", Role = Roles.Admin };

    /// <summary>Adds a sample of the campaign now (before the caller writes the samples) and returns the anomaly it shows, if any.</summary>
    public (string Reason, string Detail)? Observe(CampaignWatchState watch, CampaignDefinition? campaign, BudgetView ledger, CampaignTallyState tallies, DateTimeOffset now)
    {
        var o = options.Value;
        if (!o.Enabled || campaign is not { Status: CampaignStatus.Active }) return null;
        // A burst inside the first report interval leaves one sample and nothing to compare with:
        // a campaign changed (activated) within the window starts from zero at that moment.
        if (watch.Samples.Count == 0 && campaign.UpdatedAt > now - o.Window) watch.Samples.Add(new CampaignSample(campaign.UpdatedAt, 0, 0, 0));
        var sample = new CampaignSample(now, ledger.Spent + ledger.Reserved + ledger.WrittenOff, tallies.Deliveries, tallies.Conversions, tallies.Unsubscribes, tallies.Complaints);
        AnomalyGuard.Record(watch.Samples, sample, o.Window);
        return AnomalyGuard.Check(watch.Samples, campaign.Budget.Daily, o);
    }

    public async Task Paused(IGrainFactory grains, CampaignDefinition before, CampaignDefinition after, (string Reason, string Detail) anomaly)
    {
        var entry = AuditDrafts.Change(Guard, "auto_pause", after.Id, before, after) with
        {
            Payload = AuditJson.Of(new { reason = anomaly.Reason, detail = anomaly.Detail, before = before.Status, after = after.Status, version = after.Version }),
        };
        var logged = await grains.GetGrain<IAuditLogGrain>(0).Append([entry]);
        await notifier.Notify(new PauseNotice(after.Id, anomaly.Reason, anomaly.Detail, after.UpdatedAt, logged[0].Sequence));
    }
}
