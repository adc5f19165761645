using MarketingActors.Campaigns;
using MarketingActors.Governance;

namespace MarketingActors.Core.Governance;

/// <summary>
/// Keeps approval in the hands of the approval flow: a write can never mark a variant approved,
/// an unchanged variant keeps its approval, a changed one (or a new locale) loses it, and what an
/// agent writes stays agent-created.
/// </summary>
public static class VariantApprovals
{
    public static (CampaignDefinition Definition, string[] NewlyPending) Reconcile(CampaignDefinition? before, CampaignDefinition proposed, bool byAgent)
    {
        var pending = new List<string>();
        var actions = proposed.Actions.Select(action =>
        {
            var prior = before?.Actions.FirstOrDefault(b => b.Id == action.Id);
            var unchanged = prior is not null && ChangeClassifier.SameContent(prior, action);
            var reconciled = action with
            {
                Approval = unchanged ? prior!.Approval : null,
                AgentCreated = unchanged ? prior!.AgentCreated : byAgent || (prior?.AgentCreated ?? false),
            };
            // An unchanged variant already waiting keeps its one open request.
            if (reconciled.NeedsApproval && reconciled.Approval is null && !(unchanged && prior!.NeedsApproval)) pending.Add(action.Id);
            return reconciled;
        }).ToArray();
        return (proposed with { Actions = actions }, [.. pending]);
    }

    public static CampaignDefinition? Approve(CampaignDefinition campaign, string actionId, VariantApproval approval)
    {
        if (campaign.Actions.All(a => a.Id != actionId)) return null;
        return campaign with { Actions = [.. campaign.Actions.Select(a => a.Id == actionId ? a with { Approval = approval } : a)] };
    }

    public static string ReasonFor(ActionOption action) =>
        action.Sensitivity != Sensitivity.None ? "sensitive_variant" : "agent_created_variant";
}

/// <summary>Who may decide an approval: not its requester, and only someone who may review that campaign.</summary>
public static class ReviewRules
{
    public static (string Reason, string Detail)? Check(Principal reviewer, ApprovalRequest request)
    {
        if (request.Status != ApprovalStatus.Pending) return ("approval_not_pending", $"approval '{request.Id}' is already {request.Status.ToString().ToLowerInvariant()}");
        if (reviewer.Id == request.RequestedBy.Id) return ("self_approval", "the requester cannot approve or reject their own request");
        if (!Operations.RoleAllows(reviewer.Role, Operations.Review))
            return ("forbidden_operation", $"role '{reviewer.Role}' cannot review changes");
        if (!reviewer.Covers(request.Change.CampaignId)) return ("campaign_out_of_scope", $"campaign '{request.Change.CampaignId}' is not in the reviewer's scope");
        return null;
    }
}
