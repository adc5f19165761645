using MarketingActors.Campaigns;
using MarketingActors.Core.Campaigns;
using MarketingActors.Core.Customers;
using MarketingActors.Core.Decisions;
using MarketingActors.Measurement;

namespace MarketingActors.Services.Campaigns;

/// <summary>
/// This silo's tallies of every campaign, the evidence channel: every customer turn counts here
/// (one lock for the silo), and <see cref="CampaignSync"/> takes a report per campaign each
/// interval, whose answer carries the variant posteriors back to the deciders.
/// </summary>
public sealed class CampaignTallies(SiloIdentity silo) : ICampaignTallies
{
    private readonly Dictionary<string, (TallyBook Book, ReportOutbox<TallyReport> Outbox)> _campaigns = new();
    private readonly Lock _gate = new();

    public void RecordDecision(string campaignId, string? actionId, string? segment, MeasurementTally? measured)
    {
        lock (_gate) Of(campaignId).Book.Decision(actionId, segment, measured);
    }

    public void RecordDelivery(string campaignId, string actionId, string? segment)
    {
        lock (_gate) Of(campaignId).Book.Delivery(actionId, segment);
    }

    public void RecordFailure(string campaignId, string actionId, string? segment)
    {
        lock (_gate) Of(campaignId).Book.Failure(actionId, segment);
    }

    public void RecordConversion(string campaignId, string actionId, string? segment, decimal revenue)
    {
        lock (_gate) Of(campaignId).Book.Conversion(actionId, segment, revenue);
    }

    public void Measure(string campaignId, MeasurementTally increment)
    {
        lock (_gate) Of(campaignId).Book.Measure(increment);
    }

    public void RecordOptOut(string campaignId, bool complaint)
    {
        lock (_gate) Of(campaignId).Book.OptOut(complaint);
    }

    public void RecordAudience(string campaignId, AudienceCount delta)
    {
        lock (_gate) Of(campaignId).Book.Audience(delta);
    }

    public void RecordFuseTrip(string campaignId)
    {
        lock (_gate) Of(campaignId).Book.FuseTrip();
    }

    public void RecordPolicyTrial(string campaignId, PolicyTrace trace, bool heldOut)
    {
        lock (_gate) Of(campaignId).Book.PolicyTrial(trace, heldOut);
    }

    public void RecordPolicyRevenue(string campaignId, PolicyTrace trace, double revenue, bool heldOut)
    {
        lock (_gate) Of(campaignId).Book.PolicyRevenue(trace, revenue, heldOut);
    }

    /// <summary>
    /// A report for every campaign tallied here and every one in <paramref name="alsoCampaigns"/>
    /// (an empty report still fetches the posteriors other silos' evidence moved). A report stays
    /// outstanding until <see cref="Acknowledge"/>.
    /// </summary>
    public List<TallyReport> TakeReports(IEnumerable<string> alsoCampaigns)
    {
        lock (_gate)
        {
            foreach (var id in alsoCampaigns) Of(id);
            return [.. _campaigns.Select(c => c.Value.Outbox.Take(sequence => c.Value.Book.Drain(c.Key, silo.Name, sequence))!)];
        }
    }

    public void Acknowledge(string campaignId, long sequence)
    {
        lock (_gate)
        {
            if (_campaigns.TryGetValue(campaignId, out var c)) c.Outbox.Acknowledge(sequence);
        }
    }

    private (TallyBook Book, ReportOutbox<TallyReport> Outbox) Of(string campaignId)
    {
        if (!_campaigns.TryGetValue(campaignId, out var c))
        {
            c = (new TallyBook(), new ReportOutbox<TallyReport>());
            _campaigns[campaignId] = c;
        }
        return c;
    }
}
