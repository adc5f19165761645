using System.Net;
using System.Text.Json;
using MarketingActors.Campaigns;
using MarketingActors.Delivery;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Gateway;

/// <summary>
/// Deferring quiet hours on an engine whose clock starts at 23:00 in Paris: the decision is made
/// and answered at once, its delivery goes out when the clock reaches the next 08:00 there.
/// </summary>
[Collection(OwnEngineCollection.Name)]
public sealed class QuietHoursDeliverySpec : IAsyncLifetime
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private readonly ShiftedClock _clock = new(UntilNext(new TimeOnly(23, 0)));
    private EmbeddedEngine _engine = null!;

    /// <summary>From now to the next time Paris reads <paramref name="local"/>.</summary>
    private static TimeSpan UntilNext(TimeOnly local, DateTimeOffset? from = null)
    {
        var now = from ?? DateTimeOffset.UtcNow;
        var there = TimeZoneInfo.ConvertTime(now, Paris);
        var target = there.Date + local.ToTimeSpan();
        if (target <= there.DateTime) target = target.AddDays(1);
        return new DateTimeOffset(target, Paris.GetUtcOffset(target)) - now;
    }

    public async Task InitializeAsync()
    {
        _engine = new EmbeddedEngine(["--MarketingActors:Delivery:PollInterval=00:00:00.100"], builder => _clock.Drive(builder.Services));
        await _engine.InitializeAsync();
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task A_decision_at_23_00_local_is_answered_at_once_and_delivered_at_the_next_08_00()
    {
        await using var receiver = await WebhookReceiver.Start();
        // The engine's clock is hours ahead of this machine's: the signature is checked, the 5-minute freshness window cannot be.
        receiver.IgnoreTimestamp = true;
        var connector = await _engine.Http.Put("/v1/connectors/sms", new ConnectorSettings { Type = "webhook", Url = receiver.Url, Secret = WebhookReceiver.Secret });
        Assert.Equal(HttpStatusCode.OK, connector.StatusCode);
        var campaign = await _engine.Created(new CampaignDefinition
        {
            Id = TestEvents.NewId("quiet"), Name = "Evening browse",
            Actions = [new ActionOption { Id = "text", Channel = "sms", Variant = "reminder", Cost = 0.5m, Content = new ActionContent { Text = "Still thinking about it?" } }],
            Journey = new JourneyDefinition { EntryTrigger = "product_view", AllowReentry = true, Steps = [new JourneyStep { Id = "send", Kind = StepKind.Action }] },
            Budget = new BudgetEnvelope { Total = 10m, Currency = "USD" },
            Guardrails = new Guardrails { QuietHours = new QuietHours { Start = new TimeOnly(21, 0), End = new TimeOnly(8, 0), Mode = QuietHoursMode.Defer } },
        });
        var c = TestEvents.NewId("night-owl");
        var now = _clock.GetUtcNow().ToString("O");
        var response = await _engine.PostJson("/v1/events", $$$"""
            [{"eventId":"{{{c}}}-id","customerId":"{{{c}}}","type":"identify","timestamp":"{{{now}}}","traits":{"phone":"+33600000000","timezone":"Europe/Paris","consent.sms":"true"}},
             {"eventId":"{{{c}}}-view","customerId":"{{{c}}}","type":"product_view","timestamp":"{{{now}}}"}]
            """);
        var decision = (await _engine.Json(response)).GetProperty("results")[1].GetProperty("decisions").EnumerateArray().Single(d => d.GetProperty("campaignId").GetString() == campaign.Id);
        var id = decision.GetProperty("decisionId").GetString()!;

        Assert.Equal("engine", decision.GetProperty("deliveredBy").GetString());
        var morning = DateTimeOffset.Parse(decision.GetProperty("deliverAfter").GetString()!);
        Assert.Equal(new TimeOnly(8, 0), TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(morning, Paris).DateTime));
        Assert.InRange(morning - _clock.GetUtcNow(), TimeSpan.FromHours(8.9), TimeSpan.FromHours(9));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Empty(receiver.Calls);
        Assert.Equal("pending", (await Body($"/v1/deliveries?decisionId={id}")).GetProperty("status").GetString());

        _clock.Jump(morning - _clock.GetUtcNow() + TimeSpan.FromSeconds(1));

        var delivered = await Eventually.Holds(() => Body($"/v1/deliveries?decisionId={id}"), d => d.GetProperty("status").GetString() == "delivered", TimeSpan.FromSeconds(20), "delivered in the morning");
        var sentAt = DateTimeOffset.Parse(delivered.GetProperty("attempts")[0].GetProperty("at").GetString()!);
        Assert.InRange(sentAt - morning, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        var call = Assert.Single(receiver.Calls);
        Assert.Equal(id, call.Id);
        Assert.True(call.Verified);
        Assert.Contains("Still thinking about it?", call.Body);
    }

    [Fact]
    public async Task A_deferred_delivery_whose_consent_was_withdrawn_overnight_is_blocked_and_its_budget_released()
    {
        await using var receiver = await WebhookReceiver.Start();
        Assert.Equal(HttpStatusCode.OK, (await _engine.Http.Put("/v1/connectors/push", new ConnectorSettings { Type = "webhook", Url = receiver.Url, Secret = WebhookReceiver.Secret })).StatusCode);
        var campaign = await _engine.Created(new CampaignDefinition
        {
            Id = TestEvents.NewId("quiet-push"), Name = "Evening push",
            Actions = [new ActionOption { Id = "push", Channel = "push", Variant = "reminder", Cost = 1m, Content = new ActionContent { Title = "Hi", Body = "Come back" } }],
            Journey = new JourneyDefinition { EntryTrigger = "product_view", AllowReentry = true, Steps = [new JourneyStep { Id = "send", Kind = StepKind.Action }] },
            Budget = new BudgetEnvelope { Total = 10m, Currency = "USD" },
            Guardrails = new Guardrails { QuietHours = new QuietHours { Start = new TimeOnly(0, 0), End = new TimeOnly(23, 59), Mode = QuietHoursMode.Defer } },
        });
        var c = TestEvents.NewId("changed-mind");
        var now = _clock.GetUtcNow().ToString("O");
        var response = await _engine.PostJson("/v1/events", $$$"""
            [{"eventId":"{{{c}}}-id","customerId":"{{{c}}}","type":"identify","timestamp":"{{{now}}}","traits":{"push_token":"t","timezone":"Europe/Paris","consent.push":"true"}},
             {"eventId":"{{{c}}}-view","customerId":"{{{c}}}","type":"product_view","timestamp":"{{{now}}}"},
             {"eventId":"{{{c}}}-optout","customerId":"{{{c}}}","type":"unsubscribe","channel":"push","timestamp":"{{{now}}}"}]
            """);
        var id = (await _engine.Json(response)).GetProperty("results")[1].GetProperty("decisions").EnumerateArray()
            .Single(d => d.GetProperty("campaignId").GetString() == campaign.Id).GetProperty("decisionId").GetString()!;

        _clock.Jump(TimeSpan.FromDays(1));

        var blocked = await Eventually.Holds(() => Body($"/v1/deliveries?decisionId={id}"), d => d.GetProperty("status").GetString() == "blocked", TimeSpan.FromSeconds(20), "blocked when due");
        Assert.Equal("consent_missing", blocked.GetProperty("reason").GetString());
        Assert.Empty(receiver.Calls);
        await Eventually.Holds(() => Body($"/v1/campaigns/{campaign.Id}/state"), s => s.GetProperty("budget").GetProperty("reserved").GetDecimal() == 0m && s.GetProperty("failures").GetInt64() == 1,
            TimeSpan.FromSeconds(10), "the reservation released and the failure counted");
    }

    private async Task<JsonElement> Body(string path) => await _engine.Json(await _engine.Http.GetAsync(path));
}
