using System.Collections.Immutable;
using MarketingActors.Campaigns;
using MarketingActors.Core.Budget;
using MarketingActors.Core.Content;
using MarketingActors.Core.Customers;
using MarketingActors.Core.Decisions;
using MarketingActors.Core.Learning;
using MarketingActors.Core.Profiles;
using MarketingActors.Decisions;
using MarketingActors.Measurement;

namespace MarketingActors.Tests.Support;

/// <summary>
/// Everything a <see cref="CustomerTurn"/> talks to, in memory and observable: the customer
/// specs assert on what reached each port, and the per-event benchmark runs the real turn on them.
/// </summary>
public sealed class InMemoryCustomerPorts : ICampaignBook, IBudgetDesk, ICampaignTallies, ILearningLoop, IDecisionLog, IProfileSource, ITurnMetrics, IConversionModelProvider, IDeliveryDesk
{
    private int _leases;

    public InMemoryCustomerPorts(params CampaignDefinition[] campaigns) =>
        Active = [.. campaigns.OrderBy(c => c.Id, StringComparer.Ordinal)];

    public ImmutableArray<CampaignDefinition> Active { get; set; }
    public Dictionary<string, VariantEvidence> Evidence { get; } = new();
    public IConversionModel Current { get; set; } = new LogisticPriorModel();

    /// <summary>Budget left per campaign; a campaign not listed has unlimited budget.</summary>
    public Dictionary<string, decimal> Budget { get; } = new();
    public List<BudgetReservation> Confirmed { get; } = [];
    public List<BudgetReservation> Released { get; } = [];

    public List<(string CampaignId, string? ActionId, string? Segment)> Tallied { get; } = [];
    public List<(string CampaignId, string ActionId)> Deliveries { get; } = [];
    public List<(string CampaignId, string ActionId, decimal Revenue)> Conversions { get; } = [];
    public List<(string CampaignId, MeasurementTally Tally)> Measured { get; } = [];
    public List<(string CampaignId, bool Complaint)> OptOuts { get; } = [];
    public List<(string CampaignId, AudienceCount Delta)> Audience { get; } = [];
    public List<string> FuseTrips { get; } = [];
    public List<(string CampaignId, PolicyTrace Trace, MeasurementGroup Group)> PolicyTrials { get; } = [];
    public List<(string CampaignId, PolicyTrace Trace, double Revenue, MeasurementGroup Group)> PolicyRevenues { get; } = [];
    public List<(string CampaignId, PolicyTrace Trace, MeasurementGroup Group)> PolicyEngagements { get; } = [];
    public List<(Decision Decision, string CustomerRef)> AuditLog { get; } = [];
    public Dictionary<string, CustomerState> AnonymousProfiles { get; } = new();
    /// <summary>Whether each decision's audit record is kept; the benchmark turns it off so memory stays flat.</summary>
    public bool KeepAudit { get; set; } = true;

    public List<(string CampaignId, string ActionId)> Failures { get; } = [];
    /// <summary>Channels with a connector: the engine delivers those (none by default, so the caller delivers).</summary>
    public HashSet<string> DeliveredChannels { get; } = [];
    /// <summary>Where unsubscribe links point; null: no public address, no link.</summary>
    public string? UnsubscribeBase { get; set; }

    public CustomerTurnPorts Ports => new(this, this, this, this, this, this, this, this, this);

    public bool Delivers(string channel) => DeliveredChannels.Contains(channel);

    public CompiledContent CompiledFor(CampaignDefinition campaign, ActionOption action) => ActionTemplates.Compile(action.Content ?? new ActionContent());

    public string? UnsubscribeUrl(string customerId, string channel, string decisionId) => UnsubscribeBase is null ? null : $"{UnsubscribeBase}/{customerId}/{channel}/{decisionId}";

    public void RecordFailure(string campaignId, string actionId, string? segment) => Failures.Add((campaignId, actionId));

    public VariantEvidence EvidenceOf(string campaignId) => Evidence.GetValueOrDefault(campaignId) ?? VariantEvidence.None;

    public ValueTask<BudgetReservation?> TryReserve(string campaignId, decimal amount)
    {
        if (!Affordable(campaignId, amount)) return ValueTask.FromResult<BudgetReservation?>(null);
        if (Budget.TryGetValue(campaignId, out var left)) Budget[campaignId] = left - amount;
        return ValueTask.FromResult<BudgetReservation?>(new BudgetReservation { CampaignId = campaignId, LeaseId = $"lease-{++_leases}", Amount = amount });
    }

    public ValueTask<bool> CanAfford(string campaignId, decimal amount) => ValueTask.FromResult(Affordable(campaignId, amount));

    public void Confirm(BudgetReservation reservation) => Confirmed.Add(reservation);

    public void Release(BudgetReservation reservation)
    {
        Released.Add(reservation);
        if (Budget.TryGetValue(reservation.CampaignId, out var left)) Budget[reservation.CampaignId] = left + reservation.Amount;
    }

    public void RecordDecision(string campaignId, string? actionId, string? segment, MeasurementTally? measured)
    {
        Tallied.Add((campaignId, actionId, segment));
        if (measured is not null) Measured.Add((campaignId, measured));
    }

    public void RecordDelivery(string campaignId, string actionId, string? segment) => Deliveries.Add((campaignId, actionId));

    public void RecordConversion(string campaignId, string actionId, string? segment, decimal revenue) => Conversions.Add((campaignId, actionId, revenue));

    public void Measure(string campaignId, MeasurementTally increment) => Measured.Add((campaignId, increment));

    public void RecordOptOut(string campaignId, bool complaint) => OptOuts.Add((campaignId, complaint));

    public void RecordAudience(string campaignId, AudienceCount delta) => Audience.Add((campaignId, delta));

    public void RecordFuseTrip(string campaignId) => FuseTrips.Add(campaignId);

    public void RecordPolicyTrial(string campaignId, PolicyTrace trace, MeasurementGroup group) => PolicyTrials.Add((campaignId, trace, group));

    public void RecordPolicyEngagement(string campaignId, PolicyTrace trace, MeasurementGroup group) => PolicyEngagements.Add((campaignId, trace, group));

    public void RecordPolicyRevenue(string campaignId, PolicyTrace trace, double revenue, MeasurementGroup group) => PolicyRevenues.Add((campaignId, trace, revenue, group));

    public IReadOnlyList<string> Observe(string customerId, OpenSnapshots open, TriggerState triggers, ScoredCustomer customer, bool conversion, double value) => [];

    public void Expire(string customerId, OpenSnapshots open, DateTimeOffset now)
    {
    }

    public ValueTask Record(Decision decision, string customerRef)
    {
        if (KeepAudit) AuditLog.Add((decision, customerRef));
        return ValueTask.CompletedTask;
    }

    public Task<CustomerState?> HandOver(string anonymousId, string knownId) =>
        Task.FromResult(AnonymousProfiles.Remove(anonymousId, out var state) ? state : null);

    public void EventApplied(string status)
    {
    }

    public void Decided(bool acted, TimeSpan took)
    {
    }

    public void FuseTripped()
    {
    }

    private bool Affordable(string campaignId, decimal amount) => !Budget.TryGetValue(campaignId, out var left) || left >= amount;
}
