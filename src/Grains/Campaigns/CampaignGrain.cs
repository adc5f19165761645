using MarketingActors.Core.Budget;
using MarketingActors.Core.Campaigns;
using MarketingActors.Core.Governance;
using MarketingActors.Core.Measurement;
using MarketingActors.Measurement;
using MarketingActors.Services.Governance;
using MarketingActors.Storage;
using Microsoft.Extensions.Options;

namespace MarketingActors.Campaigns;

/// <summary>
/// Owns a campaign: its definition (validated, versioned, published to every silo's cache), its
/// budget ledger (leases to silos, never more than the envelope) and the tallies silos report.
/// Each concern is stored on its own, so a lease grant writes the ledger alone and a tally report
/// the tallies and the watch's samples.
/// </summary>
public sealed class CampaignGrain(
    [PersistentState("definition", StorageNames.Campaigns)] IPersistentState<CampaignDefinitionState> definition,
    [PersistentState("ledger", StorageNames.Campaigns)] IPersistentState<CampaignLedgerState> ledger,
    [PersistentState("tallies", StorageNames.Campaigns)] IPersistentState<CampaignTallyState> tallies,
    [PersistentState("watch", StorageNames.Campaigns)] IPersistentState<CampaignWatchState> samples,
    [PersistentState("reports", StorageNames.Campaigns)] IPersistentState<ScheduledReports> scheduled,
    [PersistentState("campaign", StorageNames.Campaigns)] IPersistentState<LegacyCampaignGrainState> legacy,
    IOptions<BudgetOptions> budgetOptions,
    IOptions<MeasurementOptions> measurementOptions,
    TimeProvider clock,
    CampaignWatch watch) : Grain, ICampaignGrain
{
    private readonly BudgetOptions _budget = budgetOptions.Value;
    private readonly MeasurementOptions _measurement = measurementOptions.Value;

    private CampaignDefinition? Definition => definition.State.Definition;
    private BudgetLedger Ledger => ledger.State.Ledger;
    private CampaignTallyState T => tallies.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (legacy.RecordExists) await MoveLegacyState();
        this.RegisterGrainTimer(ExpireSilentLeases, new GrainTimerCreationOptions(_budget.LeaseGrace, _budget.LeaseGrace) { Interleave = false });
        // Scheduled reporting: kept durably on the campaigns storage, so they outlive activations and silo restarts.
        this.RegisterGrainTimer(GenerateScheduledReport, new GrainTimerCreationOptions(_measurement.ReportEvery, _measurement.ReportEvery) { Interleave = false });
    }

    /// <summary>A campaign stored by an engine before the split: its parts written on their own, then the old record cleared.</summary>
    private async Task MoveLegacyState()
    {
        var old = legacy.State;
        if (!definition.RecordExists)
        {
            definition.State = old.DefinitionState();
            ledger.State = old.LedgerState();
            tallies.State = old.TallyState();
            samples.State = old.WatchState();
            await Task.WhenAll(definition.WriteStateAsync(), ledger.WriteStateAsync(), tallies.WriteStateAsync(), samples.WriteStateAsync());
        }
        await legacy.ClearStateAsync();
    }

    public async Task<CampaignCommandResult> Create(CampaignDefinition definition)
    {
        if (Definition is not null) return CampaignCommandResult.Refused("campaign_exists", $"campaign '{this.GetPrimaryKeyString()}' already exists");
        return await Store(definition with { Status = CampaignStatus.Draft, Version = 0 }, budgetChanged: true);
    }

    public async Task<CampaignCommandResult> Update(CampaignDefinition definition)
    {
        if (Definition is not { } current) return NotFound();
        if (current.Status == CampaignStatus.Completed) return CampaignCommandResult.Refused("campaign_completed", "a completed campaign cannot change");
        return await Store(definition with { Status = current.Status, Version = current.Version }, budgetChanged: definition.Budget != current.Budget);
    }

    public Task<CampaignDefinition?> Get() => Task.FromResult(Definition);

    public async Task<CampaignCommandResult> SetBudget(BudgetEnvelope budget)
    {
        if (Definition is not { } current) return NotFound();
        return await Store(current with { Budget = budget }, budgetChanged: true);
    }

    public async Task<CampaignCommandResult> ChangeStatus(CampaignStatus status)
    {
        if (Definition is not { } current) return NotFound();
        if (current.Status == status) return CampaignCommandResult.Ok(current);
        if (!CampaignValidator.CanTransition(current.Status, status))
            return CampaignCommandResult.Refused("invalid_transition", $"cannot go from {current.Status} to {status}");
        if (status == CampaignStatus.Active && (current.Actions.Length == 0 || current.Journey.Steps.Length == 0))
            return CampaignCommandResult.Refused("campaign_incomplete", "an active campaign needs at least one action and one journey step");
        return await Store(current with { Status = status }, budgetChanged: false);
    }

    public Task<CampaignState?> GetState()
    {
        if (Definition is not { } d) return Task.FromResult<CampaignState?>(null);
        var variants = T.Variants.Values.OrderBy(v => v.ActionId).ToArray();
        return Task.FromResult<CampaignState?>(new CampaignState
        {
            CampaignId = d.Id,
            Status = d.Status,
            Version = d.Version,
            Budget = Ledger.View(clock.GetUtcNow()),
            Decisions = T.Decisions,
            Deliveries = variants.Sum(v => v.Deliveries),
            Failures = variants.Sum(v => v.Failures),
            Conversions = variants.Sum(v => v.Conversions),
            Revenue = variants.Sum(v => v.Revenue),
            Variants = variants,
            Audience = T.Audience,
            Unsubscribes = T.Unsubscribes,
            Complaints = T.Complaints,
            Segments = SegmentPosteriors.Evidence(T.Segments),
            PolicyArms = [.. T.Arms.Values.OrderBy(a => a.ArmId, StringComparer.Ordinal).Select(PolicyArmView.Of)],
        });
    }

    public async Task<BudgetLeaseGrant> AcquireLease(string holder, decimal requested)
    {
        if (Definition is not { Status: CampaignStatus.Active }) return new BudgetLeaseGrant { Reason = "campaign_inactive" };
        var now = clock.GetUtcNow();
        Ledger.ExpireSilent(now, _budget.LeaseGrace);
        var grant = Ledger.Grant(holder, requested, now, _budget.LeaseTtl);
        // The grant is durable before the silo may spend it: a crash can lose a lease (under-spend), never double it.
        if (grant.Amount > 0) await ledger.WriteStateAsync();
        return grant;
    }

    public async Task ReportLeases(LeaseReport report)
    {
        var now = clock.GetUtcNow();
        if (!ledger.State.Receipts.Accept(report.Holder, report.Sequence, now)) return;
        var changed = false;
        foreach (var usage in report.Leases) changed |= Ledger.Apply(usage);
        // A report that changes no lease is not worth a write; applying it again would change nothing either.
        if (!changed) return;
        SpendPacing.Record(ledger.State.Pacing, now, Ledger.View(now).Spent, _measurement.PacingHours);
        await ledger.WriteStateAsync();
    }

    public async Task<CampaignFeedback> ReportTallies(TallyReport report)
    {
        var now = clock.GetUtcNow();
        if (!T.Receipts.Accept(report.Holder, report.Sequence, now) || !T.Add(report, Definition?.Segments, DateOnly.FromDateTime(now.UtcDateTime), _measurement.DailyTalliesKept)) return Feedback();
        var anomaly = report.FuseTrips > 0
            ? (AnomalyGuard.DecisionFuse, $"{report.FuseTrips} journey(s) on {report.Holder} made more acting decisions than the fuse allows (per event or per customer per hour)")
            : watch.Observe(samples.State, Definition, Ledger.View(now), T, now);
        await Task.WhenAll(tallies.WriteStateAsync(), samples.WriteStateAsync());
        if (anomaly is { } pause && Definition is { Status: CampaignStatus.Active }) await PauseFor(pause);
        return Feedback();
    }

    private CampaignFeedback Feedback() => new()
    {
        Status = Definition?.Status ?? CampaignStatus.Draft,
        Posteriors = [.. T.Variants.Values],
        Segments = SegmentPosteriors.Evidence(T.Segments),
        Arms = [.. T.Arms.Values],
    };

    public Task<PolicyEvaluation?> GetPolicyEvaluation() =>
        Task.FromResult(Definition is { } d ? PolicyEvaluations.Of(d, T.OffPolicy.Values) : null);

    public Task<LiftReport?> GetLiftReport(bool latestScheduled) =>
        Task.FromResult(latestScheduled && Definition is not null && scheduled.State.Reports.Count > 0 ? scheduled.State.Reports[^1] : BuildReport("on_demand"));

    public Task<LiftReport?> GetPeriodReport(DateOnly from, DateOnly to) =>
        Task.FromResult(Definition is { } d
            ? LiftReportBuilder.BuildForPeriod(d, T.MeasurementsBetween(from, to), ledger.State.Pacing, from, to, clock.GetUtcNow())
            : null);

    public Task<LiftReport[]?> ListScheduledReports() =>
        Task.FromResult(Definition is null ? null : scheduled.State.Reports.ToArray());

    private LiftReport? BuildReport(string trigger)
    {
        if (Definition is not { } d) return null;
        var now = clock.GetUtcNow();
        return LiftReportBuilder.Build(d, T.Measurements.Values, ledger.State.Pacing, Ledger.View(now).Spent, now, trigger);
    }

    private async Task GenerateScheduledReport()
    {
        if (Definition is not { Status: CampaignStatus.Active or CampaignStatus.Paused }) return;
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
            var refusal = Ledger.SetEnvelope(next.Budget.Total, next.Budget.Daily, next.Budget.Currency, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
            if (refusal is not null) return CampaignCommandResult.Refused(refusal, "the new envelope is below what is already spent or leased");
            // The ledger first: it alone grants money, so a failure between the writes leaves it enforcing what the owner asked for.
            await ledger.WriteStateAsync();
        }
        definition.State.Definition = next;
        await definition.WriteStateAsync();
        await GrainFactory.GetGrain<ICampaignCatalogGrain>(0).Publish(next);
        return CampaignCommandResult.Ok(next);
    }

    /// <summary>The automatic pause: the same path as an owner's pause, then audited and notified by the watch.</summary>
    private async Task PauseFor((string Reason, string Detail) anomaly)
    {
        var before = Definition!;
        var paused = await Store(before with { Status = CampaignStatus.Paused }, budgetChanged: false);
        if (paused.Succeeded) await watch.Paused(GrainFactory, before, paused.Campaign!, anomaly);
    }

    private async Task ExpireSilentLeases()
    {
        if (Ledger.ExpireSilent(clock.GetUtcNow(), _budget.LeaseGrace) > 0) await ledger.WriteStateAsync();
    }

    private CampaignCommandResult NotFound() =>
        CampaignCommandResult.Refused("campaign_not_found", $"no campaign '{this.GetPrimaryKeyString()}'");
}
