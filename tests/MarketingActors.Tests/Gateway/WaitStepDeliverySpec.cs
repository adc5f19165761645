using System.Net;
using MarketingActors.Campaigns;
using MarketingActors.Delivery;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Gateway;

/// <summary>
/// A decision made by time, not by a request: when a journey's wait ends, the wake-up reminder
/// decides the next step and its delivery goes out (before the outbox, the reminder dropped it).
/// Its own engine, in parallel with the other specs, because the shortest wait is a minute.
/// </summary>
public sealed class WaitStepDeliverySpec(EmbeddedEngine engine) : IClassFixture<EmbeddedEngine>
{
    [Fact]
    public async Task The_decision_made_when_a_wait_ends_is_delivered()
    {
        await using var receiver = await WebhookReceiver.Start();
        Assert.Equal(HttpStatusCode.OK, (await engine.Http.Put("/v1/connectors/push", new ConnectorSettings { Type = "webhook", Url = receiver.Url, Secret = WebhookReceiver.Secret })).StatusCode);
        var campaign = await engine.Created(new CampaignDefinition
        {
            Id = TestEvents.NewId("wait"), Name = "Follow up",
            Actions = [new ActionOption { Id = "follow-up", Channel = "push", Variant = "follow up", Cost = 0.1m, Content = new ActionContent { Title = "Hi {{ customer.id }}", Body = "A minute later" } }],
            Journey = new JourneyDefinition
            {
                EntryTrigger = "product_view",
                Steps = [new JourneyStep { Id = "wait", Kind = StepKind.Wait, Duration = TimeSpan.FromMinutes(1) }, new JourneyStep { Id = "follow", Kind = StepKind.Action }],
            },
            Budget = new BudgetEnvelope { Total = 10m, Currency = "USD" },
        });
        var c = TestEvents.NewId("waiter");
        var now = DateTimeOffset.UtcNow.ToString("O");
        var entered = await engine.PostJson("/v1/events", $$$"""
            [{"eventId":"{{{c}}}-id","customerId":"{{{c}}}","type":"identify","timestamp":"{{{now}}}","traits":{"push_token":"tok","consent.push":"true"}},
             {"eventId":"{{{c}}}-view","customerId":"{{{c}}}","type":"product_view","timestamp":"{{{now}}}"}]
            """);
        Assert.DoesNotContain(campaign.Id, (await engine.Json(entered)).GetProperty("results")[1].GetProperty("decisions").GetRawText());

        var call = await Eventually.Holds(() => Task.FromResult(receiver.Accepted.FirstOrDefault()), r => r is not null, TimeSpan.FromSeconds(150), "the follow-up decided on wake-up reached the receiver");

        Assert.True(call!.Verified);
        Assert.Contains($"\"campaignId\":\"{campaign.Id}\"", call.Body);
        Assert.Contains("\"journeyStepId\":\"follow\"", call.Body);
        Assert.Contains($"Hi {c}", call.Body);
        // The receiver answers before the engine records the outcome: the record follows within moments.
        await Eventually.Holds(async () => await engine.Json(await engine.Http.GetAsync($"/v1/deliveries?decisionId={call.Id}")),
            d => d.GetProperty("status").GetString() == "delivered", TimeSpan.FromSeconds(10), "the delivery recorded as delivered");
    }
}
