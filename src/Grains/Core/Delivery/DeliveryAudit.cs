using MarketingActors.Core.Governance;
using MarketingActors.Governance;

namespace MarketingActors.Core.Delivery;

/// <summary>Audit entries of the outbox: outcomes without the content or the address (what happened, not what was said to whom).</summary>
public static class DeliveryAudit
{
    public static AuditEntry Of(DeliveryRecord record, string operation, string principal) => new()
    {
        Kind = AuditKinds.Delivery,
        Principal = principal,
        CampaignId = record.Order.CampaignId,
        Operation = operation,
        SubjectId = record.Order.DecisionId,
        Payload = AuditJson.Of(new
        {
            decisionId = record.Order.DecisionId,
            actionId = record.Order.ActionId,
            channel = record.Order.Channel,
            status = record.Status.ToString(),
            reason = record.Reason,
            attempts = record.Attempts.Select(a => new { at = a.At, connector = a.Connector, outcome = a.Outcome, statusCode = a.StatusCode, error = a.Error, durationMs = a.DurationMs }),
        }),
    };

    public static AuditEntry Unsubscribed(UnsubscribeRequest request, string? customerRef) => new()
    {
        Kind = AuditKinds.Consent,
        Principal = "customer",
        CustomerRef = customerRef,
        Operation = "one_click_unsubscribe",
        SubjectId = request.DecisionId,
        Payload = AuditJson.Of(new { channel = request.Channel, decisionId = request.DecisionId, consent = false }),
    };
}
