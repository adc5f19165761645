using System.Collections.Immutable;
using MarketingActors.Campaigns;
using MarketingActors.Core.Budget;
using MarketingActors.Core.Content;
using MarketingActors.Core.Decisions;
using MarketingActors.Core.Learning;
using MarketingActors.Core.Profiles;
using MarketingActors.Decisions;
using MarketingActors.Measurement;

namespace MarketingActors.Core.Customers;

/// <summary>The campaigns a customer's turn decides for, as its silo has them: active ones in id order, and their variant evidence.</summary>
public interface ICampaignBook
{
    ImmutableArray<CampaignDefinition> Active { get; }

    VariantEvidence EvidenceOf(string campaignId);
}

/// <summary>
/// Budget for one silo's decisions: a reservation comes from a local lease, and only when the
/// lease runs short does it wait for a new one (hence a ValueTask, the only await of a turn's decision).
/// </summary>
public interface IBudgetDesk
{
    ValueTask<BudgetReservation?> TryReserve(string campaignId, decimal amount);

    /// <summary>Whether the amount could be reserved now, without reserving (a held-out customer goes through the same check).</summary>
    ValueTask<bool> CanAfford(string campaignId, decimal amount);

    void Confirm(BudgetReservation reservation);

    void Release(BudgetReservation reservation);
}

/// <summary>What a turn counts for its campaigns: decisions, deliveries, conversions, the treated/holdout measurement, opt-outs, audience changes, fuse trips.</summary>
public interface ICampaignTallies
{
    void RecordDecision(string campaignId, string? actionId, string? segment, MeasurementTally? measured);

    void RecordDelivery(string campaignId, string actionId, string? segment);

    /// <summary>A delivery that never reached the customer (dead letter, or blocked when it was due).</summary>
    void RecordFailure(string campaignId, string actionId, string? segment);

    void RecordConversion(string campaignId, string actionId, string? segment, decimal revenue);

    void Measure(string campaignId, MeasurementTally increment);

    void RecordOptOut(string campaignId, bool complaint);

    void RecordAudience(string campaignId, AudienceCount delta);

    void RecordFuseTrip(string campaignId);

    /// <summary>A contextual decision became a trial of its arm: delivered, or (held out) decided with nothing sent.</summary>
    void RecordPolicyTrial(string campaignId, PolicyTrace trace, MeasurementGroup group);

    /// <summary>The customer's first engagement after a contextual decision.</summary>
    void RecordPolicyEngagement(string campaignId, PolicyTrace trace, MeasurementGroup group);

    /// <summary>The revenue of a contextual decision's conversion.</summary>
    void RecordPolicyRevenue(string campaignId, PolicyTrace trace, double revenue, MeasurementGroup group);
}

/// <summary>The learning loop's hook on every scored event: labelled rows out, the lookalike trigger back.</summary>
public interface ILearningLoop
{
    IReadOnlyList<string> Observe(string customerId, OpenSnapshots open, TriggerState triggers, ScoredCustomer customer, bool conversion, double value);

    void Expire(string customerId, OpenSnapshots open, DateTimeOffset now);
}

/// <summary>Where every decision is recorded (the audit log), under the customer's audit reference.</summary>
public interface IDecisionLog
{
    ValueTask Record(Decision decision, string customerRef);
}

/// <summary>An anonymous profile's state, handed over when an alias links it to this customer (then it forwards to us).</summary>
public interface IProfileSource
{
    Task<CustomerState?> HandOver(string anonymousId, string knownId);
}

/// <summary>What a turn reports of itself to the silo's metrics.</summary>
public interface ITurnMetrics
{
    void EventApplied(string status);

    void Decided(bool acted, TimeSpan took);

    void FuseTripped();
}

/// <summary>The delivery side of a decision: which channels the engine sends itself, their compiled content, the unsubscribe link.</summary>
public interface IDeliveryDesk
{
    /// <summary>Whether a connector is configured for the channel (then the engine delivers; otherwise the caller does).</summary>
    bool Delivers(string channel);

    /// <summary>The action's content compiled once per campaign version (it compiled when the campaign was written).</summary>
    CompiledContent CompiledFor(CampaignDefinition campaign, ActionOption action);

    /// <summary>The one-click unsubscribe link for an email of this decision; null when the engine has no public address.</summary>
    string? UnsubscribeUrl(string customerId, string channel, string decisionId);
}

/// <summary>Everything outside the customer a turn talks to; none of it is Orleans, a database or HTTP.</summary>
public sealed record CustomerTurnPorts(
    ICampaignBook Campaigns,
    IBudgetDesk Budget,
    ICampaignTallies Tallies,
    IConversionModelProvider Models,
    ILearningLoop Learning,
    IDecisionLog Decisions,
    IProfileSource Profiles,
    ITurnMetrics Metrics,
    IDeliveryDesk Deliveries);
