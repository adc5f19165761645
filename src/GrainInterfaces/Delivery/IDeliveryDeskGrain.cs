namespace MarketingActors.Delivery;

/// <summary>The outbox as operators and customers reach it from a gateway: read, retry, and the one-click unsubscribe.</summary>
[Alias("ma.delivery-desk")]
public interface IDeliveryDeskGrain : IGrainWithIntegerKey
{
    Task<DeliveryView?> Find(string decisionId);

    /// <summary>Dead-lettered and blocked deliveries, most recent first.</summary>
    Task<DeliveryView[]> DeadLetters(string? campaignId, int limit);

    /// <summary>Queues a dead letter or blocked delivery again (guardrails re-checked); null when there is no such delivery to retry.</summary>
    Task<DeliveryView?> Retry(Governance.Principal actor, string decisionId);

    /// <summary>Honours a one-click unsubscribe link: the customer's consent on its channel is withdrawn and audited. Null for a link the engine did not sign.</summary>
    Task<UnsubscribeReceipt?> Unsubscribe(string token);
}

[GenerateSerializer, Immutable, Alias("ma.unsubscribe-receipt")]
public sealed record UnsubscribeReceipt
{
    [Id(0)] public required string Channel { get; init; }
    [Id(1)] public required string DecisionId { get; init; }
}
