using MarketingActors.Campaigns;
using MarketingActors.Core.Governance;
using Orleans.Concurrency;

namespace MarketingActors.Governance;

/// <summary>
/// Every campaign write passes here, whoever makes it: classify the operation, check role and
/// scope, check an agent's policy (apply / queue for approval / forbid), apply through the
/// campaign grain, open approvals for variants that need review, and audit before/after.
/// </summary>
[StatelessWorker]
public sealed class ChangeGateGrain(TimeProvider clock) : Grain, IChangeGateGrain
{
    private IAuditLogGrain Log => GrainFactory.GetGrain<IAuditLogGrain>(0);
    private IApprovalQueueGrain Approvals => GrainFactory.GetGrain<IApprovalQueueGrain>(0);
    private IPrincipalRegistryGrain Registry => GrainFactory.GetGrain<IPrincipalRegistryGrain>(0);

    public async Task<ChangeOutcome> Submit(Principal actor, CampaignChange change)
    {
        var before = await GrainFactory.GetGrain<ICampaignGrain>(change.CampaignId).Get();
        var operation = ChangeClassifier.Classify(change, before);
        if (!Operations.RoleAllows(actor.Role, operation) || change.Kind == ChangeKinds.ApproveVariant)
            return await Forbid(actor, operation, change, "forbidden_operation", $"role '{actor.Role}' may not {operation}");
        if (actor.Role == Roles.CampaignOwner && !actor.Covers(change.CampaignId))
            return await Forbid(actor, operation, change, "campaign_out_of_scope", $"campaign '{change.CampaignId}' is not in this key's scope");
        if (actor.Role == Roles.Agent)
        {
            var verdict = await Registry.AuthorizeAgentChange(actor.Id, operation, change, before);
            if (verdict.Outcome == PolicyOutcome.Forbidden) return await Forbid(actor, operation, change, verdict.Reason!, verdict.Detail!);
            if (verdict.Outcome == PolicyOutcome.NeedsApproval)
            {
                var request = await Approvals.Enqueue(actor, operation, change, verdict.Reason!);
                return new ChangeOutcome { Status = ChangeStatus.Queued, ApprovalId = request.Id, Reason = verdict.Reason, Errors = [verdict.Detail!] };
            }
        }
        var outcome = await Apply(actor, operation, change, before, approvalId: null, approver: null);
        if (outcome.Status != ChangeStatus.Applied && actor.Role == Roles.Agent) await Registry.ReleaseAgentChange(actor.Id, change, before);
        return outcome;
    }

    public async Task<ChangeOutcome> ApplyApproved(ApprovalRequest request, Principal reviewer)
    {
        var before = await GrainFactory.GetGrain<ICampaignGrain>(request.Change.CampaignId).Get();
        return await Apply(request.RequestedBy, request.Operation, request.Change, before, request.Id, reviewer);
    }

    public async Task<KillSwitchState> SetKillSwitch(Principal actor, string? campaignId, bool engaged)
    {
        var after = await GrainFactory.GetGrain<ICampaignCatalogGrain>(0).SetKillSwitch(campaignId, engaged);
        await Log.Append([AuditDrafts.Change(actor, engaged ? "engage_kill_switch" : "release_kill_switch", campaignId, null, after) with { Kind = AuditKinds.KillSwitch }]);
        return after;
    }

    private async Task<ChangeOutcome> Apply(Principal actor, string operation, CampaignChange change, CampaignDefinition? before, string? approvalId, Principal? approver)
    {
        var campaign = GrainFactory.GetGrain<ICampaignGrain>(change.CampaignId);
        var byAgent = actor.Role == Roles.Agent;
        string[] pending = [];
        CampaignCommandResult result;
        switch (change.Kind)
        {
            case ChangeKinds.Create or ChangeKinds.Update when change.Definition is { } proposed:
                (var reconciled, pending) = VariantApprovals.Reconcile(change.Kind == ChangeKinds.Create ? null : before, proposed, byAgent);
                result = change.Kind == ChangeKinds.Create ? await campaign.Create(reconciled) : await campaign.Update(reconciled);
                break;
            case ChangeKinds.SetBudget when change.Budget is { } budget:
                result = await campaign.SetBudget(budget);
                break;
            case ChangeKinds.Activate or ChangeKinds.Pause or ChangeKinds.Complete:
                result = await campaign.ChangeStatus(change.Kind switch
                {
                    ChangeKinds.Activate => CampaignStatus.Active,
                    ChangeKinds.Pause => CampaignStatus.Paused,
                    _ => CampaignStatus.Completed,
                });
                break;
            case ChangeKinds.ApproveVariant when before is not null && approver is not null && change.ActionId is { } actionId:
                var approval = new VariantApproval { ApprovalId = approvalId!, ApprovedBy = approver.Id, ApprovedAt = clock.GetUtcNow() };
                result = VariantApprovals.Approve(before, actionId, approval) is { } approved
                    ? await campaign.Update(approved)
                    : CampaignCommandResult.Refused("action_not_found", $"campaign '{change.CampaignId}' has no action '{actionId}' any more");
                break;
            default:
                result = before is null && change.Kind != ChangeKinds.Create
                    ? CampaignCommandResult.Refused("campaign_not_found", $"no campaign '{change.CampaignId}'")
                    : CampaignCommandResult.Refused("invalid_change", $"'{change.Kind}' needs its body");
                break;
        }
        if (!result.Succeeded)
        {
            await Log.Append([AuditDrafts.Refusal(actor, operation, change.CampaignId, result.ErrorReason!, result.Errors) with { ApprovalId = approvalId }]);
            return new ChangeOutcome { Status = ChangeStatus.Refused, Reason = result.ErrorReason, Errors = result.Errors };
        }
        var after = result.Campaign!;
        var entry = AuditDrafts.Change(actor, operation, change.CampaignId, before, after, approvalId);
        await Log.Append([approver is null ? entry : entry with { Payload = AuditJson.Of(new { before, after, approvedBy = approver.Id }) }]);
        var approvals = new List<string>();
        foreach (var actionId in pending)
        {
            var action = after.Actions.First(a => a.Id == actionId);
            var review = new CampaignChange { Kind = ChangeKinds.ApproveVariant, CampaignId = after.Id, ActionId = actionId };
            approvals.Add((await Approvals.Enqueue(actor, Operations.Review, review, VariantApprovals.ReasonFor(action))).Id);
        }
        return new ChangeOutcome { Status = ChangeStatus.Applied, Campaign = after, PendingVariantApprovals = [.. approvals] };
    }

    private async Task<ChangeOutcome> Forbid(Principal actor, string operation, CampaignChange change, string reason, string detail)
    {
        await Log.Append([AuditDrafts.Refusal(actor, operation, change.CampaignId, reason, [detail])]);
        return new ChangeOutcome { Status = ChangeStatus.Forbidden, Reason = reason, Errors = [detail] };
    }
}
