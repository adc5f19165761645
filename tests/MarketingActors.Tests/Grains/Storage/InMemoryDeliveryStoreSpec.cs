using MarketingActors.Core.Delivery;
using MarketingActors.Delivery;
using MarketingActors.Storage;
using static MarketingActors.Tests.Support.TestCustomers;

namespace MarketingActors.Tests.Grains.Storage;

/// <summary>The outbox's claims: one silo at a time holds a delivery, until it settles it or its claim runs out.</summary>
public class InMemoryDeliveryStoreSpec
{
    private readonly InMemoryDeliveryStore _store = new();

    private static DeliveryOrder Order(string id, DateTimeOffset? after = null) => new()
    {
        DecisionId = id, CustomerId = "c-" + id, CampaignId = "camp", ActionId = "a", Channel = "push", Variant = "v", DecidedAt = T0, DeliverAfter = after,
    };

    [Fact]
    public async Task An_order_is_stored_once_and_what_is_due_is_claimed_by_the_silo_that_stored_it()
    {
        Assert.Single(await _store.Add([Order("d1")], "silo-a", T0, T0.AddSeconds(30)));
        Assert.Empty(await _store.Add([Order("d1")], "silo-b", T0, T0.AddSeconds(30)));

        Assert.Empty(await _store.Claim("silo-b", T0.AddSeconds(10), T0.AddSeconds(40), 10));
        Assert.Equal("d1", Assert.Single(await _store.Claim("silo-b", T0.AddSeconds(31), T0.AddSeconds(61), 10)).Order.DecisionId);
    }

    [Fact]
    public async Task A_renewed_claim_is_not_taken_over_and_a_deferred_order_is_nobodys_until_due()
    {
        await _store.Add([Order("d1"), Order("d2", after: T0.AddHours(9))], "silo-a", T0, T0.AddSeconds(30));
        await _store.Renew("silo-a", ["d1"], T0.AddSeconds(60));

        Assert.Empty(await _store.Claim("silo-b", T0.AddSeconds(45), T0.AddSeconds(75), 10));
        // By then silo-a stopped renewing d1 (it died): both are silo-b's.
        Assert.Equal(["d1", "d2"], (await _store.Claim("silo-b", T0.AddHours(9), T0.AddHours(9).AddSeconds(30), 10)).Select(r => r.Order.DecisionId).Order());
    }

    [Fact]
    public async Task A_saved_record_is_released_a_delivered_one_stays_delivered_and_old_deliveries_are_pruned()
    {
        var record = Assert.Single(await _store.Add([Order("d1")], "silo-a", T0, T0.AddSeconds(30)));
        record.Delivered(new DeliveryAttempt { At = T0, Connector = "webhook", Outcome = "delivered" });
        await _store.Save(record);
        var stale = DeliveryRecord.New(Order("d1"), T0);
        await _store.Save(stale);

        Assert.Equal(DeliveryStatus.Delivered, (await _store.Find("d1"))!.Status);
        Assert.Empty(await _store.Claim("silo-b", T0.AddMinutes(5), T0.AddMinutes(6), 10));
        Assert.Equal(0, await _store.Prune(T0));
        Assert.Equal(1, await _store.Prune(T0.AddDays(8)));
        Assert.Null(await _store.Find("d1"));
    }

    [Fact]
    public async Task Dead_letters_are_listed_newest_first_by_campaign_and_erasure_forgets_a_customers_deliveries()
    {
        foreach (var (id, minutes) in new[] { ("d1", 1), ("d2", 2) })
        {
            var r = Assert.Single(await _store.Add([Order(id)], "silo-a", T0, T0.AddSeconds(30)));
            r.Failed(new DeliveryAttempt { At = T0.AddMinutes(minutes), Connector = "webhook", Outcome = "permanent" }, true, 6, T0, DeliveryReasons.Rejected);
            await _store.Save(r);
        }

        Assert.Equal(["d2", "d1"], (await _store.DeadLetters("camp", 10)).Select(r => r.Order.DecisionId));
        Assert.Empty(await _store.DeadLetters("other", 10));
        await _store.Forget("c-d2");
        Assert.Equal(["d1"], (await _store.DeadLetters(null, 10)).Select(r => r.Order.DecisionId));
    }
}
