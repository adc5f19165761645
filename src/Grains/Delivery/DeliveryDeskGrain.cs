using MarketingActors.Core.Delivery;
using MarketingActors.Customers;
using MarketingActors.Events;
using MarketingActors.Governance;
using MarketingActors.Services.Delivery;
using MarketingActors.Storage;
using Orleans.Concurrency;

namespace MarketingActors.Delivery;

/// <summary>
/// A silo-side door to the outbox store for gateways (which hold no store of their own): lookups,
/// an operator's retry (audited; the next poll sends it), and the unsubscribe link, honoured by
/// posting the customer an <c>unsubscribe</c> event as their own backend would.
/// </summary>
[StatelessWorker]
public sealed class DeliveryDeskGrain(IDeliveryStore store, ConnectorDirectory connectors, TimeProvider clock) : Grain, IDeliveryDeskGrain
{
    public const string RetryOperation = "retry_delivery";

    public async Task<DeliveryView?> Find(string decisionId) => (await store.Find(decisionId))?.View();

    public async Task<DeliveryView[]> DeadLetters(string? campaignId, int limit) => [.. (await store.DeadLetters(campaignId, limit)).Select(r => r.View())];

    public async Task<DeliveryView?> Retry(Principal actor, string decisionId)
    {
        if (await store.Find(decisionId) is not { } record || !record.Retry(clock.GetUtcNow())) return null;
        await store.Save(record);
        await GrainFactory.GetGrain<IAuditLogGrain>(0).Append([DeliveryAudit.Of(record, RetryOperation, actor.Id)]);
        return record.View();
    }

    public async Task<UnsubscribeReceipt?> Unsubscribe(string token)
    {
        await connectors.EnsureLoaded();
        if (UnsubscribeLinks.Read(connectors.Set.LinkKey, token) is not { } request) return null;
        var customer = GrainFactory.GetGrain<ICustomerGrain>(request.CustomerId);
        // One event id per link: a mail client that posts twice (or a person who clicks twice) withdraws once.
        await customer.Ingest([new MarketingEvent
        {
            EventId = "unsubscribe-" + request.DecisionId,
            CustomerId = request.CustomerId,
            Type = EventCatalog.Unsubscribe,
            Channel = request.Channel,
            DecisionId = request.DecisionId,
            Timestamp = clock.GetUtcNow(),
        }]);
        await GrainFactory.GetGrain<IAuditLogGrain>(0).Append([DeliveryAudit.Unsubscribed(request, await customer.GetAuditReference())]);
        return new UnsubscribeReceipt { Channel = request.Channel, DecisionId = request.DecisionId };
    }
}
