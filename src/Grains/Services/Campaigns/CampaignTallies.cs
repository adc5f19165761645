using MarketingActors.Campaigns;
using MarketingActors.Core.Budget;
using MarketingActors.Core.Campaigns;
using MarketingActors.Core.Customers;
using MarketingActors.Core.Decisions;
using MarketingActors.Measurement;
using Microsoft.Extensions.Options;

namespace MarketingActors.Services.Campaigns;

/// <summary>
/// This silo's tallies of every campaign, the evidence channel: every customer turn counts here
/// (one lock for the silo), and <see cref="CampaignSync"/> takes a report per campaign each
/// interval, or as soon as <see cref="BudgetOptions.EvidenceBatch"/> outcomes have settled,
/// whose answer carries the variant posteriors back to the deciders.
/// </summary>
public sealed class CampaignTallies(SiloIdentity silo, IOptions<BudgetOptions> options) : ICampaignTallies
{
    private readonly Dictionary<string, (TallyBook Book, ReportOutbox<TallyReport> Outbox)> _campaigns = new();
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _evidenceReady = new(0, 1);
    private readonly int _evidenceBatch = options.Value.EvidenceBatch;
    private int _settled;

    /// <summary>Waits until enough outcomes have settled for an early report (true) or <paramref name="timeout"/> passes (false).</summary>
    public Task<bool> WaitForEvidence(TimeSpan timeout, CancellationToken cancellation) => _evidenceReady.WaitAsync(timeout, cancellation);

    /// <summary>Called under the lock for each settled outcome.</summary>
    private void Settled()
    {
        if (_evidenceBatch > 0 && ++_settled == _evidenceBatch && _evidenceReady.CurrentCount == 0) _evidenceReady.Release();
    }

    public void RecordDecision(string campaignId, string? actionId, string? segment, MeasurementTally? measured)
    {
        lock (_gate) Of(campaignId).Book.Decision(actionId, segment, measured);
    }

    public void RecordDelivery(string campaignId, string actionId, string? segment)
    {
        lock (_gate)
        {
            Of(campaignId).Book.Delivery(actionId, segment);
            Settled();
        }
    }

    public void RecordFailure(string campaignId, string actionId, string? segment)
    {
        lock (_gate) Of(campaignId).Book.Failure(actionId, segment);
    }

    public void RecordConversion(string campaignId, string actionId, string? segment, decimal revenue)
    {
        lock (_gate)
        {
            Of(campaignId).Book.Conversion(actionId, segment, revenue);
            Settled();
        }
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

    public void RecordPolicyTrial(string campaignId, PolicyTrace trace, MeasurementGroup group)
    {
        lock (_gate)
        {
            Of(campaignId).Book.PolicyTrial(trace, group);
            // A sent decision's trial comes with its delivery, counted there; a held-out one settles here.
            if (group != MeasurementGroup.Treated) Settled();
        }
    }

    public void RecordPolicyEngagement(string campaignId, PolicyTrace trace, MeasurementGroup group)
    {
        lock (_gate) Of(campaignId).Book.PolicyEngagement(trace, group);
    }

    public void RecordPolicyRevenue(string campaignId, PolicyTrace trace, double revenue, MeasurementGroup group)
    {
        lock (_gate) Of(campaignId).Book.PolicyRevenue(trace, revenue, group);
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
            _settled = 0;
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
