namespace MarketingActors.Campaigns;

/// <summary>Owns one campaign's definition, budget ledger and tallies, each stored on its own. Keyed by campaign id.</summary>
[Alias("ma.campaign-grain")]
public interface ICampaignGrain : IGrainWithStringKey
{
    [Alias("create")]
    Task<CampaignCommandResult> Create(CampaignDefinition definition);

    [Alias("update")]
    Task<CampaignCommandResult> Update(CampaignDefinition definition);

    [Alias("get")]
    Task<CampaignDefinition?> Get();

    [Alias("set-budget")]
    Task<CampaignCommandResult> SetBudget(BudgetEnvelope budget);

    [Alias("set-status")]
    Task<CampaignCommandResult> ChangeStatus(CampaignStatus status);

    [Alias("state")]
    Task<CampaignState?> GetState();

    /// <summary>A silo asks for a slice of budget to spend locally.</summary>
    [Alias("lease")]
    Task<BudgetLeaseGrant> AcquireLease(string holder, decimal requested);

    /// <summary>A silo reports what it did with its leases (the budget channel); applied once per sequence.</summary>
    [Alias("report-leases")]
    Task ReportLeases(LeaseReport report);

    /// <summary>A silo reports its tallies (the evidence channel); the answer carries fresh variant posteriors.</summary>
    [Alias("report-tallies")]
    Task<CampaignFeedback> ReportTallies(TallyReport report);

    /// <summary>Treated vs holdout lift, ROI and pacing: generated now, or the latest one the report timer produced.</summary>
    [Alias("lift-report")]
    Task<Measurement.LiftReport?> GetLiftReport(bool latestScheduled);

    /// <summary>Treated vs holdout lift and ROI over the UTC days <paramref name="from"/> to <paramref name="to"/> (inclusive); null when the campaign does not exist.</summary>
    [Alias("period-report")]
    Task<Measurement.LiftReport?> GetPeriodReport(DateOnly from, DateOnly to);

    /// <summary>Off-policy estimates, from the logged propensities and outcomes, of the campaign's policy, each fixed action and uniform random; null when the campaign does not exist.</summary>
    [Alias("policy-evaluation")]
    Task<Measurement.PolicyEvaluation?> GetPolicyEvaluation();

    /// <summary>The scheduled reports kept (oldest first); null when the campaign does not exist.</summary>
    [Alias("scheduled-reports")]
    Task<Measurement.LiftReport[]?> ListScheduledReports();
}

/// <summary>Either the campaign after a command, or why the command was refused (nothing applied).</summary>
[GenerateSerializer, Immutable, Alias("ma.campaign-result")]
public sealed record CampaignCommandResult
{
    [Id(0)] public CampaignDefinition? Campaign { get; init; }
    [Id(1)] public string? ErrorReason { get; init; }
    [Id(2)] public string[] Errors { get; init; } = [];

    public bool Succeeded => ErrorReason is null;

    public static CampaignCommandResult Ok(CampaignDefinition campaign) => new() { Campaign = campaign };

    public static CampaignCommandResult Refused(string reason, params string[] errors) =>
        new() { ErrorReason = reason, Errors = errors };
}

[GenerateSerializer, Immutable, Alias("ma.campaign-state")]
public sealed record CampaignState
{
    [Id(0)] public required string CampaignId { get; init; }
    [Id(1)] public required CampaignStatus Status { get; init; }
    [Id(2)] public required BudgetView Budget { get; init; }
    [Id(3)] public long Decisions { get; init; }
    [Id(4)] public long Deliveries { get; init; }
    [Id(5)] public long Conversions { get; init; }
    [Id(6)] public decimal Revenue { get; init; }
    [Id(7)] public VariantPosterior[] Variants { get; init; } = [];
    [Id(8)] public long Version { get; init; }
    /// <summary>Deliveries the engine gave up on: released from the budget, never counted as sent.</summary>
    [Id(9)] public long Failures { get; init; }
    /// <summary>Unsubscribes and consent revocations attributed to this campaign's deliveries.</summary>
    [Id(10)] public long Unsubscribes { get; init; }
    /// <summary>Spam complaints attributed to this campaign's deliveries.</summary>
    [Id(11)] public long Complaints { get; init; }
    /// <summary>Customers matching the audience, and those of them with marketing consent on the campaign's channels.</summary>
    [Id(80)] public AudienceCount Audience { get; init; } = AudienceCount.None;
    [Id(70)] public SegmentEvidence[] Segments { get; init; } = [];
    /// <summary>The contextual policy's evidence per arm (empty for the segment ranking).</summary>
    [Id(12)] public PolicyArmView[] PolicyArms { get; init; } = [];
}

/// <summary>What the contextual policy has learned of one arm, as a campaign owner reads it; the holdout's arm is "(holdout)".</summary>
[GenerateSerializer, Immutable, Alias("ma.policy-arm-view")]
public sealed record PolicyArmView
{
    [Id(0)] public required string ArmId { get; init; }
    [Id(1)] public long Trials { get; init; }
    /// <summary>Trials whose customer came back or clicked within the attribution window (every conversion is one).</summary>
    [Id(2)] public long Engagements { get; init; }
    [Id(3)] public long Conversions { get; init; }
    [Id(4)] public double Revenue { get; init; }

    public static PolicyArmView Of(Decisions.ArmStatistics arm) => new()
    {
        ArmId = arm.ArmId, Trials = arm.Trials, Engagements = arm.Engagements, Conversions = arm.Conversions, Revenue = arm.Revenue,
    };
}

/// <summary>The ledger as a campaign owner sees it: Total = Spent + Reserved + Leased + Remaining (+ WrittenOff).</summary>
[GenerateSerializer, Immutable, Alias("ma.budget-view")]
public sealed record BudgetView
{
    [Id(0)] public decimal Total { get; init; }
    [Id(1)] public decimal? Daily { get; init; }
    [Id(2)] public string Currency { get; init; } = "USD";
    /// <summary>Confirmed by delivery.</summary>
    [Id(3)] public decimal Spent { get; init; }
    /// <summary>Committed to decisions not yet confirmed.</summary>
    [Id(4)] public decimal Reserved { get; init; }
    /// <summary>Handed to silos and not yet committed.</summary>
    [Id(5)] public decimal Leased { get; init; }
    [Id(6)] public decimal Remaining { get; init; }
    /// <summary>Leases whose holder vanished: counted as spent so the envelope can never be exceeded.</summary>
    [Id(7)] public decimal WrittenOff { get; init; }
    [Id(8)] public decimal CommittedToday { get; init; }
    [Id(9)] public int OpenLeases { get; init; }
}

[GenerateSerializer, Immutable, Alias("ma.lease-grant")]
public sealed record BudgetLeaseGrant
{
    [Id(0)] public string LeaseId { get; init; } = "";
    [Id(1)] public decimal Amount { get; init; }
    [Id(2)] public DateTimeOffset ExpiresAt { get; init; }
    /// <summary>Why nothing (or less than asked) was granted: budget_exhausted, daily_budget_exhausted, campaign_inactive.</summary>
    [Id(3)] public string? Reason { get; init; }
}

/// <summary>
/// A silo's account of its leases of one campaign: cumulative commitments on each, closing what it
/// returns. Per holder and campaign the sequence increases; a report is applied once however often it is re-sent.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.lease-report")]
public sealed record LeaseReport
{
    [Id(0)] public required string CampaignId { get; init; }
    [Id(1)] public required string Holder { get; init; }
    [Id(2)] public long Sequence { get; init; }
    [Id(3)] public LeaseUsage[] Leases { get; init; } = [];
}

/// <summary>
/// What a silo's customers did for one campaign since the last report: decisions, variant
/// evidence, the treated/holdout measurement, opt-outs, audience changes, fuse trips.
/// Applied once per (holder, sequence) like <see cref="LeaseReport"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.tally-report")]
public sealed record TallyReport
{
    [Id(0)] public required string CampaignId { get; init; }
    [Id(1)] public required string Holder { get; init; }
    [Id(2)] public long Sequence { get; init; }
    [Id(3)] public long Decisions { get; init; }
    [Id(4)] public VariantTally[] Variants { get; init; } = [];
    /// <summary>Treated vs holdout increments per channel, for the lift report (kept apart from the variant posteriors).</summary>
    [Id(5)] public Measurement.MeasurementTally[] Measurements { get; init; } = [];
    /// <summary>Unsubscribes (and consent revocations) attributed to a delivery of this campaign since the last report.</summary>
    [Id(6)] public long Unsubscribes { get; init; }
    /// <summary>Spam complaints attributed to a delivery of this campaign since the last report.</summary>
    [Id(7)] public long Complaints { get; init; }
    /// <summary>Changes of audience membership of this silo's customers since the last report.</summary>
    [Id(8)] public AudienceCount Audience { get; init; } = AudienceCount.None;
    /// <summary>Journeys of this campaign stopped by the customer grains' decision fuse since the last report.</summary>
    [Id(9)] public long FuseTrips { get; init; }
    /// <summary>Evidence of the contextual policy's arms (its actions and the holdout) since the last report.</summary>
    [Id(10)] public Decisions.ArmStatistics[] Arms { get; init; } = [];
    /// <summary>Off-policy sums of the decisions settled since the last report, per target policy.</summary>
    [Id(11)] public Decisions.OffPolicySums[] OffPolicy { get; init; } = [];

    public bool IsEmpty => Decisions == 0 && Variants.Length == 0 && Measurements.Length == 0 && Unsubscribes == 0 && Complaints == 0 && FuseTrips == 0 && Audience.IsNone
        && Arms.Length == 0 && OffPolicy.Length == 0;
}

/// <summary>Cumulative use of a lease; Closing returns whatever is not committed.</summary>
[GenerateSerializer, Immutable, Alias("ma.lease-usage")]
public sealed record LeaseUsage
{
    [Id(0)] public required string LeaseId { get; init; }
    [Id(1)] public decimal Confirmed { get; init; }
    [Id(2)] public decimal Reserved { get; init; }
    [Id(3)] public bool Closing { get; init; }
}

/// <summary>Increments per action since the last report.</summary>
[GenerateSerializer, Immutable, Alias("ma.variant-tally")]
public sealed record VariantTally
{
    [Id(0)] public required string ActionId { get; init; }
    [Id(1)] public long Deliveries { get; init; }
    [Id(2)] public long Conversions { get; init; }
    [Id(3)] public decimal Revenue { get; init; }
    [Id(4)] public long Decisions { get; init; }
    /// <summary>Deliveries the engine gave up on (dead-lettered, or blocked at send time): decided, never received.</summary>
    [Id(5)] public long Failures { get; init; }
    /// <summary>The customer segment of the decision (<see cref="SegmentDefinition"/>), null when the campaign has none.</summary>
    [Id(70)] public string? Segment { get; init; }
}

/// <summary>The evidence about one action: decisions, deliveries and the conversions attributed to them.</summary>
[GenerateSerializer, Immutable, Alias("ma.variant-posterior")]
public sealed record VariantPosterior
{
    [Id(0)] public required string ActionId { get; init; }
    [Id(1)] public long Decisions { get; init; }
    [Id(2)] public long Deliveries { get; init; }
    [Id(3)] public long Conversions { get; init; }
    [Id(4)] public decimal Revenue { get; init; }
    [Id(5)] public long Failures { get; init; }
}

[GenerateSerializer, Immutable, Alias("ma.campaign-feedback")]
public sealed record CampaignFeedback
{
    [Id(0)] public CampaignStatus Status { get; init; }
    [Id(1)] public VariantPosterior[] Posteriors { get; init; } = [];
    [Id(70)] public SegmentEvidence[] Segments { get; init; } = [];
    /// <summary>The contextual policy's evidence per arm, campaign-wide.</summary>
    [Id(71)] public Decisions.ArmStatistics[] Arms { get; init; } = [];
}

/// <summary>The variant evidence of one customer segment of a campaign.</summary>
[GenerateSerializer, Immutable, Alias("ma.segment-evidence")]
public sealed record SegmentEvidence
{
    [Id(0)] public required string Segment { get; init; }
    [Id(1)] public VariantPosterior[] Variants { get; init; } = [];
}
