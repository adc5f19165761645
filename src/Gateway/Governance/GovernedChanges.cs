using MarketingActors.Campaigns;
using MarketingActors.Gateway.Endpoints;
using MarketingActors.Governance;

namespace MarketingActors.Gateway.Governance;

/// <summary>The pending-approval answer of a campaign write an agent may not apply on its own.</summary>
public sealed record PendingApproval(string Status, string ApprovalId, string Reason, string[] Details);

/// <summary>Sends a campaign write through the change gate and answers with what became of it.</summary>
public static class GovernedChanges
{
    public const string PendingApprovalsHeader = "X-Pending-Approvals";

    public static async Task<IResult> Submit(HttpContext context, IGrainFactory grains, CampaignChange change, bool creates = false)
    {
        var outcome = await grains.GetGrain<IChangeGateGrain>(0).Submit(context.Principal(), change);
        switch (outcome.Status)
        {
            case ChangeStatus.Applied:
                if (outcome.PendingVariantApprovals.Length > 0) context.Response.Headers[PendingApprovalsHeader] = string.Join(",", outcome.PendingVariantApprovals);
                return creates ? Results.Created($"/v1/campaigns/{change.CampaignId}", outcome.Campaign) : Results.Ok(outcome.Campaign);
            case ChangeStatus.Queued:
                return Results.Accepted($"/v1/approvals/{outcome.ApprovalId}", new PendingApproval("pending_approval", outcome.ApprovalId!, outcome.Reason!, outcome.Errors));
            case ChangeStatus.Forbidden:
                return Problems.Of(StatusCodes.Status403Forbidden, outcome.Reason!, string.Join("; ", outcome.Errors), outcome.Errors);
            default:
                return CampaignEndpoints.Refusal(CampaignCommandResult.Refused(outcome.Reason!, outcome.Errors));
        }
    }
}
