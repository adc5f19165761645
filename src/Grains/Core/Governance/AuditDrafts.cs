using MarketingActors.Decisions;
using MarketingActors.Governance;

namespace MarketingActors.Core.Governance;

/// <summary>The audit entries the engine writes, before the chain numbers and hashes them.</summary>
public static class AuditDrafts
{
    public static AuditEntry Change(Principal actor, string operation, string? campaignId, object? before, object? after, string? approvalId = null, string? subjectId = null) => new()
    {
        Kind = AuditKinds.Change,
        Principal = actor.Id,
        CampaignId = campaignId,
        SubjectId = subjectId,
        Operation = operation,
        ApprovalId = approvalId,
        Payload = AuditJson.Of(new { before, after, via = actor.Via }),
    };

    public static AuditEntry Refusal(Principal actor, string operation, string? campaignId, string reason, IEnumerable<string> errors) => new()
    {
        Kind = AuditKinds.Refusal,
        Principal = actor.Id,
        CampaignId = campaignId,
        Operation = operation,
        Payload = AuditJson.Of(new { reason, errors, via = actor.Via }),
    };

    /// <summary>A decision with the customer id replaced by the customer's audit reference.</summary>
    public static AuditEntry Decision(Decision decision, string customerRef, DecisionPayloadFormat format)
    {
        var audited = decision with { CustomerId = customerRef };
        return new()
        {
            Kind = AuditKinds.Decision,
            CampaignId = decision.CampaignId,
            CustomerRef = customerRef,
            SubjectId = decision.DecisionId,
            Operation = decision.Action?.ActionId,
            Payload = format == DecisionPayloadFormat.Json ? AuditJson.Of(audited) : AuditPayload.Of(audited),
        };
    }
}
