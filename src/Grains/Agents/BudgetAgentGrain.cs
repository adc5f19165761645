using System.Diagnostics;
using MarketingActors.Campaigns;
using MarketingActors.Core.Agents;
using MarketingActors.Core.Governance;
using MarketingActors.Governance;
using MarketingActors.Storage;

namespace MarketingActors.Agents;

/// <summary>
/// The engine's budget agent for one campaign group: on its schedule (a reminder) it reads each
/// campaign's holdout-measured incremental ROI (recent days first), budget and pace, asks <see cref="BudgetReallocation"/>
/// for a move, and submits it to the change gate as the principal <see cref="PrincipalId"/>, an
/// agent whose own policy (set by an admin like any agent's) bounds what it may change; beyond its
/// limits the change waits for approval. Every look that moves or proposes something is audited
/// with its rationale and figures.
/// </summary>
public sealed class BudgetAgentGrain(
    [PersistentState("budget-agent", StorageNames.Governance)] IPersistentState<BudgetAgentState> state,
    TimeProvider clock) : Grain, IBudgetAgentGrain, IRemindable
{
    public const string PrincipalId = "budget-agent";
    public const string Operation = "budget_reallocation";
    public const int KeptRuns = 50;
    private const string Schedule = "budget-agent";
    private static readonly TimeSpan MinimumEvery = TimeSpan.FromMinutes(1);

    private static readonly Principal Agent = new() { Id = PrincipalId, Role = Roles.Agent, Via = PrincipalId };

    public async Task<AccessResult<BudgetAgentGroup>> Configure(Principal actor, BudgetAgentGroup group)
    {
        var errors = new List<string>();
        if (group.Campaigns.Length is < 2 or > 100) errors.Add("campaigns: 2 to 100 campaign ids");
        else if (group.Campaigns.Any(c => !CampaignIds.IsValid(c))) errors.Add("campaigns: " + CampaignIds.Rule);
        if (group.Every < MinimumEvery || group.Every > TimeSpan.FromDays(7)) errors.Add("every: between 00:01:00 and 7.00:00:00");
        if (group.StepPercent is <= 0 or > 50) errors.Add("stepPercent: above 0, at most 50");
        if (group.MaxStep is <= 0) errors.Add("maxStep: positive");
        if (group.MinDecisionsPerArm < 30) errors.Add("minDecisionsPerArm: at least 30");
        if (group.RecentDays is < 1 or > 90) errors.Add("recentDays: 1 to 90");
        if (!(group.RunwayDays is >= 1 and <= 366)) errors.Add("runwayDays: 1 to 366");
        if (errors.Count > 0) return AccessResult.Refused<BudgetAgentGroup>("invalid_budget_agent", [.. errors]);
        var before = state.State.Group;
        state.State.Group = group;
        await state.WriteStateAsync();
        await Audit(AuditDrafts.Change(actor, "configure_budget_agent", null, before, group, subjectId: this.GetPrimaryKeyString()));
        if (group.Enabled) await this.RegisterOrUpdateReminder(Schedule, group.Every, group.Every);
        else if (await this.GetReminder(Schedule) is { } reminder) await this.UnregisterReminder(reminder);
        return AccessResult.Ok(group);
    }

    public Task<BudgetAgentGroup?> Get() => Task.FromResult(state.State.Group);

    public Task<BudgetAgentRun[]> History() => Task.FromResult(state.State.Runs.ToArray());

    public Task ReceiveReminder(string reminderName, TickStatus status) => reminderName == Schedule ? RunNow() : Task.CompletedTask;

    public async Task<BudgetAgentRun> RunNow()
    {
        var started = Stopwatch.GetTimestamp();
        if (state.State.Group is not { Enabled: true } group) return new BudgetAgentRun { At = clock.GetUtcNow(), Outcome = "disabled" };
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var figures = new List<CampaignFigures>();
        foreach (var id in group.Campaigns)
        {
            var campaign = GrainFactory.GetGrain<ICampaignGrain>(id);
            if (await campaign.Get() is not { } definition || await campaign.GetLiftReport(latestScheduled: false) is not { } whole) continue;
            var recent = await campaign.GetPeriodReport(today.AddDays(1 - group.RecentDays), today);
            figures.Add(BudgetReallocation.Figures(id, definition.Status == CampaignStatus.Active, whole, recent, group.RecentDays,
                definition.Budget.Total, definition.Budget.Daily, group.MinDecisionsPerArm, now));
        }
        var look = BudgetReallocation.Look(figures, new BudgetAgentRule
        {
            StepFraction = group.StepPercent / 100m, MaxStep = group.MaxStep, MinDecisionsPerArm = group.MinDecisionsPerArm, RunwayDays = group.RunwayDays,
        });
        var run = look.Move is { } move
            ? await Execute(move)
            : new BudgetAgentRun { At = now, Outcome = look.Outcome, Rationale = look.Rationale };
        run = run with { DurationMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds };
        state.State.Runs.Insert(0, run);
        if (state.State.Runs.Count > KeptRuns) state.State.Runs.RemoveAt(KeptRuns);
        await state.WriteStateAsync();
        // A look that leaves a clear difference alone is audited too: the operator sees why the money stayed.
        if (look.Outcome != BudgetLook.NoClearDifference)
            await Audit(new AuditEntry
            {
                Kind = AuditKinds.Agent, Principal = PrincipalId, CampaignId = look.Move?.To, Operation = Operation, SubjectId = this.GetPrimaryKeyString(),
                ApprovalId = run.ApprovalId,
                Payload = AuditJson.Of(new { rationale = run.Rationale, outcome = run.Outcome, reason = run.Reason, amount = run.Amount, figures, move = look.Move }),
            });
        return run;
    }

    /// <summary>The reduction first, so a refused or queued increase never leaves more budget than there was.</summary>
    private async Task<BudgetAgentRun> Execute(BudgetMove move)
    {
        var gate = GrainFactory.GetGrain<IChangeGateGrain>(0);
        var run = new BudgetAgentRun { At = clock.GetUtcNow(), Outcome = "moved", Rationale = move.Rationale, From = move.From, To = move.To, Amount = move.Amount };
        var donor = await GrainFactory.GetGrain<ICampaignGrain>(move.From).Get();
        var recipient = await GrainFactory.GetGrain<ICampaignGrain>(move.To).Get();
        if (donor is null || recipient is null) return run with { Outcome = "refused", Reason = "campaign_not_found" };
        var total = donor.Budget.Total - move.Amount;
        var reduced = await gate.Submit(Agent, new CampaignChange
        {
            Kind = ChangeKinds.SetBudget, CampaignId = move.From, Budget = donor.Budget with { Total = total, Daily = donor.Budget.Daily is { } d && d > total ? total : donor.Budget.Daily },
        });
        if (reduced.Status != ChangeStatus.Applied) return Refused(run, reduced);
        var raised = await gate.Submit(Agent, new CampaignChange
        {
            Kind = ChangeKinds.SetBudget, CampaignId = move.To,
            Budget = recipient.Budget with { Total = recipient.Budget.Total + move.Amount, Daily = move.RecipientDailyCap ?? recipient.Budget.Daily },
        });
        return raised.Status == ChangeStatus.Applied ? run : Refused(run, raised);
    }

    private static BudgetAgentRun Refused(BudgetAgentRun run, ChangeOutcome outcome) => outcome.Status == ChangeStatus.Queued
        ? run with { Outcome = "pending_approval", ApprovalId = outcome.ApprovalId, Reason = outcome.Reason }
        : run with { Outcome = "refused", Reason = $"{outcome.Reason}: {string.Join("; ", outcome.Errors)}" };

    private Task Audit(AuditEntry entry) => GrainFactory.GetGrain<IAuditLogGrain>(0).Append([entry]);
}
