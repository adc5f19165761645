using MarketingActors.Campaigns;
using MarketingActors.Core.Decisions;
using MarketingActors.Decisions;
using MarketingActors.Measurement;

namespace MarketingActors.Core.Campaigns;

/// <summary>
/// What one silo's customers did for one campaign since its last tally report: decisions,
/// variant evidence per segment, treated/holdout measurement, opt-outs, audience changes, fuse
/// trips. Not thread-safe; its owner holds the lock.
/// </summary>
public sealed class TallyBook
{
    private long _decisions;
    private long _unsubscribes;
    private long _complaints;
    private long _fuseTrips;
    private AudienceCount _audience = AudienceCount.None;
    private readonly Dictionary<(string ActionId, string? Segment), VariantTally> _variants = new();
    private readonly Dictionary<(MeasurementGroup, string, string?), MeasurementTally> _measurements = new();
    private readonly Dictionary<string, ArmAccumulator> _arms = new();
    private readonly Dictionary<string, OffPolicySums> _offPolicy = new();

    /// <summary>One decision, tallied for the variant it picked (if any) and measured for its holdout group when there was an action to send or withhold.</summary>
    public void Decision(string? actionId, string? segment, MeasurementTally? measured)
    {
        _decisions++;
        if (actionId is not null) Variant(actionId, segment, t => t with { Decisions = t.Decisions + 1 });
        if (measured is not null) Measure(measured);
    }

    public void Delivery(string actionId, string? segment) => Variant(actionId, segment, t => t with { Deliveries = t.Deliveries + 1 });

    public void Failure(string actionId, string? segment) => Variant(actionId, segment, t => t with { Failures = t.Failures + 1 });

    public void Conversion(string actionId, string? segment, decimal revenue) =>
        Variant(actionId, segment, t => t with { Conversions = t.Conversions + 1, Revenue = t.Revenue + revenue });

    public void OptOut(bool complaint)
    {
        if (complaint) _complaints++;
        else _unsubscribes++;
    }

    public void FuseTrip() => _fuseTrips++;

    /// <summary>
    /// A contextual decision's trial: evidence for its arm (the holdout's when held out) and a trial
    /// of each target policy for every decision the off-policy estimates count (<see cref="PolicyTrace.Logged"/>).
    /// </summary>
    public void PolicyTrial(PolicyTrace trace, MeasurementGroup group)
    {
        Arm(ArmOf(trace, group)).Trial(trace.X());
        foreach (var sums in trace.Trials(group)) OffPolicy(sums);
    }

    public void PolicyEngagement(PolicyTrace trace, MeasurementGroup group) => Arm(ArmOf(trace, group)).Engagement();

    public void PolicyRevenue(PolicyTrace trace, double revenue, MeasurementGroup group)
    {
        var reward = trace.RewardOf(revenue);
        Arm(ArmOf(trace, group)).Conversion(trace.X(), reward);
        foreach (var sums in trace.Converted(reward, group)) OffPolicy(sums);
    }

    /// <summary>A held-out decision is evidence of the holdout, whichever arm the policy would have sent.</summary>
    private static string ArmOf(PolicyTrace trace, MeasurementGroup group) => group == MeasurementGroup.Treated ? trace.ArmId : ArmStatistics.HoldoutArm;

    private ArmAccumulator Arm(string armId) =>
        _arms.TryGetValue(armId, out var arm) ? arm : _arms[armId] = new ArmAccumulator(armId, DecisionContext.Dimension);

    private void OffPolicy(OffPolicySums increment) =>
        _offPolicy[increment.Target] = _offPolicy.TryGetValue(increment.Target, out var sum) ? sum.Plus(increment) : increment;

    public void Audience(AudienceCount delta) => _audience = _audience.Plus(delta);

    public void Measure(MeasurementTally increment)
    {
        var key = (increment.Group, increment.Channel, increment.ActionId);
        _measurements[key] = _measurements.TryGetValue(key, out var sum) ? sum.Plus(increment) : increment;
    }

    /// <summary>Everything tallied so far as report <paramref name="sequence"/>; the book starts afresh.</summary>
    public TallyReport Drain(string campaignId, string holder, long sequence)
    {
        var report = new TallyReport
        {
            CampaignId = campaignId,
            Holder = holder,
            Sequence = sequence,
            Decisions = _decisions,
            Variants = [.. _variants.Values],
            Measurements = [.. _measurements.Values],
            Unsubscribes = _unsubscribes,
            Complaints = _complaints,
            FuseTrips = _fuseTrips,
            Audience = _audience,
            Arms = [.. _arms.Values.Where(a => !a.IsEmpty).Select(a => a.Take())],
            OffPolicy = [.. _offPolicy.Values],
        };
        _decisions = _unsubscribes = _complaints = _fuseTrips = 0;
        _audience = AudienceCount.None;
        _variants.Clear();
        _measurements.Clear();
        _offPolicy.Clear();
        return report;
    }

    private void Variant(string actionId, string? segment, Func<VariantTally, VariantTally> change) =>
        _variants[(actionId, segment)] = change(_variants.GetValueOrDefault((actionId, segment)) ?? new VariantTally { ActionId = actionId, Segment = segment });
}
