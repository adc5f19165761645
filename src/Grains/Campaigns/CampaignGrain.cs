using MarketingActors.Campaigns;
using Microsoft.Extensions.Options;

namespace MarketingActors.Campaigns;

[GenerateSerializer, Alias("ma.campaign-grain-state")]
public sealed class CampaignGrainState
{
    [Id(0)] public CampaignDefinition? Definition { get; set; }
    [Id(1)] public BudgetLedger Ledger { get; set; } = new();
    [Id(2)] public Dictionary<string, VariantPosterior> Variants { get; set; } = new();
    [Id(3)] public long Decisions { get; set; }
    [Id(4)] public List<Governance.CampaignSample> Samples { get; set; } = [];
}

/// <summary>
/// Owns a campaign: its definition (validated, versioned, published to every silo's cache), its
/// budget ledger (leases to silos, never more than the envelope) and the tallies silos report.
/// </summary>
public sealed class CampaignGrain(
    [PersistentState("campaign", "campaigns")] IPersistentState<CampaignGrainState> state,
    IOptions<BudgetOptions> budgetOptions,
    TimeProvider clock,
    Governance.CampaignWatch watch) : Grain, ICampaignGrain
{
    private readonly BudgetOptions _budget = budgetOptions.Value;

    private CampaignGrainState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(ExpireSilentLeases, new GrainTimerCreationOptions(_budget.LeaseGrace, _budget.LeaseGrace) { Interleave = false });
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

    public async Task<CampaignFeedback> Report(CampaignReport report)
    {
        var changed = false;
        foreach (var usage in report.Leases) changed |= S.Ledger.Apply(usage);
        foreach (var tally in report.Variants)
        {
            var v = S.Variants.GetValueOrDefault(tally.ActionId) ?? new VariantPosterior { ActionId = tally.ActionId };
            S.Variants[tally.ActionId] = v with
            {
                Decisions = v.Decisions + tally.Decisions,
                Deliveries = v.Deliveries + tally.Deliveries,
                Conversions = v.Conversions + tally.Conversions,
                Revenue = v.Revenue + tally.Revenue,
            };
            changed = true;
        }
        S.Decisions += report.Decisions;
        changed |= report.Decisions > 0;
        if (changed) await state.WriteStateAsync();
        if (changed && await watch.Observe(S, clock.GetUtcNow()) is { } anomaly) await PauseFor(anomaly);
        return new CampaignFeedback
        {
            Status = S.Definition?.Status ?? CampaignStatus.Draft,
            Posteriors = [.. S.Variants.Values],
        };
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
