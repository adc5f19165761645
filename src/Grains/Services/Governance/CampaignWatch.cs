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

    public ValueTask<(string Reason, string Detail)?> Observe(CampaignGrainState state, DateTimeOffset now)
    {
        var o = options.Value;
        if (!o.Enabled || state.Definition is not { Status: CampaignStatus.Active } campaign) return ValueTask.FromResult<(string, string)?>(null);
        var ledger = state.Ledger.View(now);
        var deliveries = state.Variants.Values.Sum(v => v.Deliveries);
        var conversions = state.Variants.Values.Sum(v => v.Conversions);
        // A burst inside the first report interval leaves one sample and nothing to compare with:
        // a campaign changed (activated) within the window starts from zero at that moment.
        if (state.Samples.Count == 0 && campaign.UpdatedAt > now - o.Window) state.Samples.Add(new CampaignSample(campaign.UpdatedAt, 0, 0, 0));
        var sample = new CampaignSample(now, ledger.Spent + ledger.Reserved + ledger.WrittenOff, deliveries, conversions, state.Unsubscribes, state.Complaints);
        AnomalyGuard.Record(state.Samples, sample, o.Window);
        return ValueTask.FromResult(AnomalyGuard.Check(state.Samples, campaign.Budget.Daily, o));
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
