using MarketingActors.Core.Budget;
using MarketingActors.Core.Campaigns;
using MarketingActors.Core.Governance;
using MarketingActors.Core.Measurement;
using MarketingActors.Measurement;
using MarketingActors.Services.Governance;
using Microsoft.Extensions.Options;

namespace MarketingActors.Campaigns;

[GenerateSerializer, Alias("ma.campaign-grain-state")]
public sealed class CampaignGrainState
{
    [Id(0)] public CampaignDefinition? Definition { get; set; }
    [Id(1)] public BudgetLedger Ledger { get; set; } = new();
    [Id(2)] public Dictionary<string, VariantPosterior> Variants { get; set; } = new();
    [Id(3)] public long Decisions { get; set; }
    /// <summary>The last report applied per silo incarnation, so a re-sent report is not counted twice.</summary>
    [Id(4)] public Dictionary<string, AppliedReport> Reports { get; set; } = new();
    /// <summary>Treated/holdout tallies keyed "group/channel/action".</summary>
    [Id(5)] public Dictionary<string, MeasurementTally> Measurements { get; set; } = new();
    [Id(6)] public List<SpendPoint> Pacing { get; set; } = [];
    [Id(7)] public List<CampaignSample> Samples { get; set; } = [];
    [Id(80)] public long Unsubscribes { get; set; }
    [Id(81)] public long Complaints { get; set; }
    [Id(82)] public AudienceCount Audience { get; set; } = AudienceCount.None;
    /// <summary>Variant evidence per customer segment (bounded by the definition's maxSegments).</summary>
    [Id(70)] public Dictionary<string, Dictionary<string, VariantPosterior>> Segments { get; set; } = new();
}

/// <summary>The latest scheduled lift reports of a campaign, oldest first; a state of its own so the report timer never rewrites the ledger.</summary>
[GenerateSerializer, Alias("ma.scheduled-reports")]
public sealed class ScheduledReports
{
    [Id(0)] public List<LiftReport> Reports { get; set; } = [];
}

[GenerateSerializer, Alias("ma.applied-report")]
public sealed record AppliedReport([property: Id(0)] long Sequence, [property: Id(1)] DateTimeOffset At);

/// <summary>
/// Owns a campaign: its definition (validated, versioned, published to every silo's cache), its
/// budget ledger (leases to silos, never more than the envelope) and the tallies silos report.
/// </summary>
public sealed class CampaignGrain(
    [PersistentState("campaign", "campaigns")] IPersistentState<CampaignGrainState> state,
    [PersistentState("reports", "campaigns")] IPersistentState<ScheduledReports> scheduled,
    IOptions<BudgetOptions> budgetOptions,
    IOptions<MeasurementOptions> measurementOptions,
    TimeProvider clock,
    CampaignWatch watch) : Grain, ICampaignGrain
{
    private readonly BudgetOptions _budget = budgetOptions.Value;
    private readonly MeasurementOptions _measurement = measurementOptions.Value;

    private CampaignGrainState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(ExpireSilentLeases, new GrainTimerCreationOptions(_budget.LeaseGrace, _budget.LeaseGrace) { Interleave = false });
        // Scheduled reporting: kept durably on the campaigns storage, so they outlive activations and silo restarts.
        this.RegisterGrainTimer(GenerateScheduledReport, new GrainTimerCreationOptions(_measurement.ReportEvery, _measurement.ReportEvery) { Interleave = false });
        return Task.CompletedTask;
    }

    public async Task<CampaignCommandResult> Create(CampaignDefinition definition)
    {
        if (S.Definition is not null) return CampaignCommandResult.Refused("campaign_exists", $"campaign '{this.GetPrimaryKeyString()}' already exists");
        return await Store(definition with { Status = CampaignStatus.Draft, Version = 0 }, budgetChanged: true);
    }

    public async Task<CampaignCommandResult> Update(CampaignDefinition definition)
    {
        if (S.Definition is not { } current) return NotFound();
        if (current.Status == CampaignStatus.Completed) return CampaignCommandResult.Refused("campaign_completed", "a completed campaign cannot change");
        return await Store(definition with { Status = current.Status, Version = current.Version }, budgetChanged: definition.Budget != current.Budget);
    }

    public Task<CampaignDefinition?> Get() => Task.FromResult(S.Definition);

    public async Task<CampaignCommandResult> SetBudget(BudgetEnvelope budget)
    {
        if (S.Definition is not { } current) return NotFound();
        return await Store(current with { Budget = budget }, budgetChanged: true);
    }

    public async Task<CampaignCommandResult> ChangeStatus(CampaignStatus status)
    {
        if (S.Definition is not { } current) return NotFound();
        if (current.Status == status) return CampaignCommandResult.Ok(current);
        if (!CampaignValidator.CanTransition(current.Status, status))
            return CampaignCommandResult.Refused("invalid_transition", $"cannot go from {current.Status} to {status}");
        if (status == CampaignStatus.Active && (current.Actions.Length == 0 || current.Journey.Steps.Length == 0))
            return CampaignCommandResult.Refused("campaign_incomplete", "an active campaign needs at least one action and one journey step");
        return await Store(current with { Status = status }, budgetChanged: false);
    }

    public Task<CampaignState?> GetState()
    {
        if (S.Definition is not { } d) return Task.FromResult<CampaignState?>(null);
        var variants = S.Variants.Values.OrderBy(v => v.ActionId).ToArray();
        return Task.FromResult<CampaignState?>(new CampaignState
        {
            CampaignId = d.Id,
            Status = d.Status,
            Version = d.Version,
            Budget = S.Ledger.View(clock.GetUtcNow()),
            Decisions = S.Decisions,
            Deliveries = variants.Sum(v => v.Deliveries),
            Conversions = variants.Sum(v => v.Conversions),
            Revenue = variants.Sum(v => v.Revenue),
            Variants = variants,
            Audience = S.Audience,
            Segments = SegmentPosteriors.Evidence(S.Segments),
        });
    }

    public async Task<BudgetLeaseGrant> AcquireLease(string holder, decimal requested)
    {
        if (S.Definition is not { Status: CampaignStatus.Active }) return new BudgetLeaseGrant { Reason = "campaign_inactive" };
        var now = clock.GetUtcNow();
        S.Ledger.ExpireSilent(now, _budget.LeaseGrace);
        var grant = S.Ledger.Grant(holder, requested, now, _budget.LeaseTtl);
        // The grant is durable before the silo may spend it: a crash can lose a lease (under-spend), never double it.
        if (grant.Amount > 0) await state.WriteStateAsync();
        return grant;
    }

    /// <summary>Silo incarnations that have not reported for this long are forgotten (they are gone).</summary>
    public static readonly TimeSpan ReporterMemory = TimeSpan.FromDays(7);

    public async Task<CampaignFeedback> Report(CampaignReport report)
    {
        var now = clock.GetUtcNow();
        if (S.Reports.TryGetValue(report.Holder, out var last) && report.Sequence <= last.Sequence) return Feedback();
        S.Reports[report.Holder] = new AppliedReport(report.Sequence, now);
        foreach (var gone in S.Reports.Where(r => now - r.Value.At > ReporterMemory).Select(r => r.Key).ToList()) S.Reports.Remove(gone);
        var changed = false;
        foreach (var usage in report.Leases) changed |= S.Ledger.Apply(usage);
        foreach (var tally in report.Variants)
        {
            S.Variants[tally.ActionId] = SegmentPosteriors.Plus(S.Variants.GetValueOrDefault(tally.ActionId), tally);
            if (S.Definition?.Segments is { } segments) SegmentPosteriors.Add(S.Segments, tally, segments.MaxSegments);
            changed = true;
        }
        foreach (var m in report.Measurements)
        {
            var key = $"{m.Group}/{m.Channel}/{m.ActionId}";
            S.Measurements[key] = S.Measurements.TryGetValue(key, out var sum) ? sum.Plus(m) : m;
            changed = true;
        }
        S.Decisions += report.Decisions;
        S.Unsubscribes += report.Unsubscribes;
        S.Complaints += report.Complaints;
        S.Audience = S.Audience.Plus(report.Audience);
        changed |= report.Decisions > 0 || report.Unsubscribes > 0 || report.Complaints > 0 || report.FuseTrips > 0 || !report.Audience.IsNone;
        // An empty report changes nothing worth a write; applying it again would change nothing either.
        if (!changed) return Feedback();
        SpendPacing.Record(S.Pacing, now, S.Ledger.View(now).Spent, _measurement.PacingHours);
        await state.WriteStateAsync();
        if (report.FuseTrips > 0 && S.Definition is { Status: CampaignStatus.Active })
            await PauseFor((AnomalyGuard.DecisionFuse, $"{report.FuseTrips} journey(s) on {report.Holder} made more acting decisions than the fuse allows (per event or per customer per hour)"));
        else if (await watch.Observe(S, now) is { } anomaly) await PauseFor(anomaly);
        return Feedback();
    }

    private CampaignFeedback Feedback() => new()
    {
        Status = S.Definition?.Status ?? CampaignStatus.Draft,
        Posteriors = [.. S.Variants.Values],
        Segments = SegmentPosteriors.Evidence(S.Segments),
    };

    public Task<LiftReport?> GetLiftReport(bool latestScheduled) =>
        Task.FromResult(latestScheduled && S.Definition is not null && scheduled.State.Reports.Count > 0 ? scheduled.State.Reports[^1] : BuildReport("on_demand"));

    public Task<LiftReport[]?> ListScheduledReports() =>
        Task.FromResult(S.Definition is null ? null : scheduled.State.Reports.ToArray());

    private LiftReport? BuildReport(string trigger)
    {
        if (S.Definition is not { } d) return null;
        var now = clock.GetUtcNow();
        return LiftReportBuilder.Build(d, S.Measurements.Values, S.Pacing, S.Ledger.View(now).Spent, now, trigger);
    }

    private async Task GenerateScheduledReport()
    {
        if (S.Definition is not { Status: CampaignStatus.Active or CampaignStatus.Paused }) return;
        var reports = scheduled.State.Reports;
        reports.Add(BuildReport("scheduled")!);
        if (reports.Count > _measurement.ScheduledReportsKept) reports.RemoveRange(0, reports.Count - _measurement.ScheduledReportsKept);
        await scheduled.WriteStateAsync();
    }

    private async Task<CampaignCommandResult> Store(CampaignDefinition proposed, bool budgetChanged)
    {
        var id = this.GetPrimaryKeyString();
        var next = proposed with { Id = id, Version = proposed.Version + 1, UpdatedAt = clock.GetUtcNow() };
        var errors = CampaignValidator.Validate(next);
        if (errors.Count > 0) return CampaignCommandResult.Refused("invalid_campaign", [.. errors]);
        if (budgetChanged)
        {
            var refusal = S.Ledger.SetEnvelope(next.Budget.Total, next.Budget.Daily, next.Budget.Currency, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
            if (refusal is not null) return CampaignCommandResult.Refused(refusal, "the new envelope is below what is already spent or leased");
        }
        S.Definition = next;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<ICampaignCatalogGrain>(0).Publish(next);
        return CampaignCommandResult.Ok(next);
    }

    /// <summary>The automatic pause: the same path as an owner's pause, then audited and notified by the watch.</summary>
    private async Task PauseFor((string Reason, string Detail) anomaly)
    {
        var before = S.Definition!;
        var paused = await Store(before with { Status = CampaignStatus.Paused }, budgetChanged: false);
        if (paused.Succeeded) await watch.Paused(GrainFactory, before, paused.Campaign!, anomaly);
    }

    private async Task ExpireSilentLeases()
    {
        if (S.Ledger.ExpireSilent(clock.GetUtcNow(), _budget.LeaseGrace) > 0) await state.WriteStateAsync();
    }

    private CampaignCommandResult NotFound() =>
        CampaignCommandResult.Refused("campaign_not_found", $"no campaign '{this.GetPrimaryKeyString()}'");
}
