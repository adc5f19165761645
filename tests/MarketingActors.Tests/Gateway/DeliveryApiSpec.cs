using System.Net;
using System.Text;
using System.Text.Json;
using MarketingActors.Campaigns;
using MarketingActors.Delivery;
using MarketingActors.Governance;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Gateway;

/// <summary>
/// Decisions reaching customers through real connectors on loopback: a Standard Webhooks receiver
/// that verifies every signature and a real SMTP server, with retries, dead letters, the one-click
/// unsubscribe and the feedback into budget and evidence, all over the engine's HTTP API.
/// </summary>
[Collection(OwnEngineCollection.Name)]
public sealed class DeliveryApiSpec : IAsyncLifetime
{
    private EmbeddedEngine _engine = null!;

    public async Task InitializeAsync()
    {
        _engine = new EmbeddedEngine([
            "--MarketingActors:Delivery:PollInterval=00:00:00.100",
            "--MarketingActors:Delivery:InitialRetryDelay=00:00:00.200",
            "--MarketingActors:Delivery:MaxRetryDelay=00:00:00.500",
        ]);
        await _engine.InitializeAsync();
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private static string Now => DateTimeOffset.UtcNow.ToString("O");

    private static CampaignDefinition PushOnView(string id, decimal cost = 1m) => new()
    {
        Id = id, Name = "Push on view",
        Actions = [new ActionOption
        {
            Id = "nudge", Channel = "push", Variant = "nudge", Cost = cost,
            Content = new ActionContent { Title = "Still looking, {{ customer.traits.first_name | default: \"friend\" }}?", Body = "It is back in stock", DeepLink = "shop://item/{{ customer.id }}" },
        }],
        Journey = new JourneyDefinition { EntryTrigger = "product_view", AllowReentry = true, Steps = [new JourneyStep { Id = "send", Kind = StepKind.Action }] },
        Budget = new BudgetEnvelope { Total = 100m, Currency = "USD" },
    };

    private static CampaignDefinition LocalizedEmail(string id) => new()
    {
        Id = id, Name = "Welcome",
        Actions =
        [
            new ActionOption { Id = "welcome-en", Channel = "email", Variant = "welcome", Locale = "en", Content = new ActionContent { Subject = "Welcome, {{ customer.traits.first_name }}", Text = "Hello! Unsubscribe: {{ unsubscribe_url }}" } },
            new ActionOption { Id = "welcome-fr", Channel = "email", Variant = "welcome", Locale = "fr", Content = new ActionContent { Subject = "Bienvenue, {{ customer.traits.first_name }}", Text = "Bonjour !", Html = "<p>Bonjour {{ customer.traits.first_name }} !</p>" } },
        ],
        Journey = new JourneyDefinition { EntryTrigger = "product_view", AllowReentry = true, Steps = [new JourneyStep { Id = "send", Kind = StepKind.Action }] },
        Budget = new BudgetEnvelope { Total = 100m, Currency = "USD" },
    };

    private async Task Customer(string id, string channel, params (string Key, string Value)[] traits)
    {
        var all = traits.Append(($"consent.{channel}", "true")).Append(("first_name", "Ana"));
        var json = JsonSerializer.Serialize(new { eventId = id + "-identify", customerId = id, type = "identify", timestamp = Now, traits = all.ToDictionary(t => t.Item1, t => t.Item2) });
        Assert.Equal(HttpStatusCode.OK, (await _engine.PostJson("/v1/events", json)).StatusCode);
    }

    private async Task<JsonElement> View(string customer, string eventId, bool explain = false)
    {
        var response = await _engine.PostJson(explain ? "/v1/events?explain=true" : "/v1/events", $$"""{"eventId":"{{eventId}}","customerId":"{{customer}}","type":"product_view","timestamp":"{{Now}}"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await _engine.Json(response)).GetProperty("results")[0].GetProperty("decisions")[0];
    }

    private Task<HttpResponseMessage> PutWebhook(string channel, string url, int maxAttempts = 10, int timeoutSeconds = 1) =>
        _engine.Http.Put($"/v1/connectors/{channel}", new ConnectorSettings { Type = "webhook", Url = url, Secret = WebhookReceiver.Secret, MaxAttempts = maxAttempts, TimeoutSeconds = timeoutSeconds });

    private Task<JsonElement> Delivery(string decisionId, string status) => Eventually.Holds(
        async () => await _engine.Json(await _engine.Http.GetAsync($"/v1/deliveries?decisionId={decisionId}")),
        d => d.TryGetProperty("status", out var s) && s.GetString() == status, TimeSpan.FromSeconds(30), $"delivery {decisionId} is {status}");

    [Fact]
    public async Task A_connector_secret_is_write_only_the_route_is_for_admins_and_every_write_is_audited()
    {
        var put = await PutWebhook("sms", "https://hooks.example.com/sms").Body();
        Assert.True(put.GetProperty("secretSet").GetBoolean());
        var shown = await _engine.Http.GetStringAsync("/v1/connectors/sms");
        Assert.DoesNotContain(WebhookReceiver.Secret[6..], shown);
        var refused = await _engine.Http.Put("/v1/connectors/sms", new ConnectorSettings { Type = "webhook", Url = "not a url" }).Body();
        Assert.Equal("invalid_connector", refused.GetProperty("reason").GetString());
        // A write without the secret keeps the stored one.
        Assert.Equal(HttpStatusCode.OK, (await _engine.Http.Put("/v1/connectors/sms", new ConnectorSettings { Type = "webhook", Url = "https://hooks.example.com/sms2" })).StatusCode);

        var owner = await _engine.KeyFor(TestEvents.NewId("owner"), Roles.CampaignOwner, "any-campaign");
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.GetAsync("/v1/connectors/sms")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.Put("/v1/connectors/sms", new ConnectorSettings { Type = "webhook", Url = "https://evil.example" })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await _engine.Http.DeleteAsync("/v1/connectors/sms")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _engine.Http.GetAsync("/v1/connectors/sms")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _engine.Http.DeleteAsync("/v1/connectors/sms")).StatusCode);

        var audit = await _engine.Http.GetStringAsync("/v1/audit?subjectId=sms&limit=50");
        Assert.Contains("put_connector", audit);
        Assert.Contains("remove_connector", audit);
        Assert.Contains("hooks.example.com/sms2", audit);
        Assert.DoesNotContain(WebhookReceiver.Secret[6..], audit);
    }

    [Fact]
    public async Task A_receiver_that_refuses_connections_fails_with_500_and_stalls_is_retried_until_it_accepts_and_every_call_is_signed()
    {
        // Nothing listens on the port yet: the first attempts are refused connections.
        var port = EmbeddedEngine.FreePort();
        Assert.Equal(HttpStatusCode.OK, (await PutWebhook("push", $"http://127.0.0.1:{port}/hook")).StatusCode);
        var campaign = await _engine.Created(PushOnView(TestEvents.NewId("retry")));
        var c = TestEvents.NewId("pusher");
        await Customer(c, "push", ("push_token", "tok-1"));

        var decision = await View(c, c + "-view");
        Assert.Equal("engine", decision.GetProperty("deliveredBy").GetString());
        var id = decision.GetProperty("decisionId").GetString()!;
        await Eventually.Holds(async () => await _engine.Json(await _engine.Http.GetAsync($"/v1/deliveries?decisionId={id}")),
            d => d.GetProperty("attempts").GetArrayLength() >= 1, TimeSpan.FromSeconds(10), "the refused first attempt");
        await using var receiver = await WebhookReceiver.Start(port, 500, WebhookReceiver.Stall);

        var delivered = await Delivery(id, "delivered");

        var attempts = delivered.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Contains(attempts, a => a.GetProperty("error").GetString() is { } e && e.Contains("ConnectionError"));
        Assert.Contains(attempts, a => a.TryGetProperty("statusCode", out var s) && s.GetInt32() == 500);
        Assert.Contains(attempts, a => a.GetProperty("error").GetString() is { } e && e.StartsWith("timeout", StringComparison.Ordinal));
        Assert.Equal("delivered", attempts[^1].GetProperty("outcome").GetString());
        Assert.All(receiver.Calls, call => Assert.True(call.Verified, $"signature of call {call.Id}"));
        Assert.All(receiver.Calls, call => Assert.Equal(id, call.Id));
        Assert.Single(receiver.Calls.Select(call => call.Body[call.Body.IndexOf("\"data\"", StringComparison.Ordinal)..]).Distinct());
        var data = JsonDocument.Parse(receiver.Accepted.Single().Body).RootElement.GetProperty("data");
        Assert.Equal(("tok-1", "Still looking, Ana?", $"shop://item/{c}"),
            (data.GetProperty("address").GetString(), data.GetProperty("message").GetProperty("title").GetString(), data.GetProperty("message").GetProperty("deepLink").GetString()));

        // The receipt confirmed the spend: reserved back to zero, spent 1, one delivery in the evidence.
        var state = await Eventually.Holds(async () => await _engine.Json(await _engine.Http.GetAsync($"/v1/campaigns/{campaign.Id}/state")),
            s => s.GetProperty("deliveries").GetInt64() == 1, TimeSpan.FromSeconds(10), "the delivery counted");
        Assert.Equal(1m, state.GetProperty("budget").GetProperty("spent").GetDecimal());
        var metrics = await _engine.Http.GetStringAsync("/metrics");
        Assert.Contains("ma_deliveries_attempted", metrics);
        Assert.Contains("ma_deliveries_final", metrics);
    }

    [Fact]
    public async Task A_permanent_refusal_is_dead_lettered_the_reservation_released_the_failure_counted_and_a_retry_sends_it()
    {
        await using var receiver = await WebhookReceiver.Start();
        receiver.Otherwise = _ => 410;
        Assert.Equal(HttpStatusCode.OK, (await PutWebhook("push", receiver.Url)).StatusCode);
        var campaign = await _engine.Created(PushOnView(TestEvents.NewId("dead"), cost: 2m));
        var c = TestEvents.NewId("gone");
        await Customer(c, "push", ("push_token", "tok-2"));

        var id = (await View(c, c + "-view")).GetProperty("decisionId").GetString()!;

        var dead = await Delivery(id, "deadLettered");
        Assert.Equal("rejected_by_receiver", dead.GetProperty("reason").GetString());
        Assert.Equal(1, dead.GetProperty("attempts").GetArrayLength());
        var letters = await _engine.Json(await _engine.Http.GetAsync($"/v1/deliveries/dead-letters?campaignId={campaign.Id}"));
        Assert.Equal(id, letters.EnumerateArray().Single().GetProperty("order").GetProperty("decisionId").GetString());
        var state = await Eventually.Holds(async () => await _engine.Json(await _engine.Http.GetAsync($"/v1/campaigns/{campaign.Id}/state")),
            s => s.GetProperty("failures").GetInt64() == 1, TimeSpan.FromSeconds(10), "the failure counted in the evidence");
        Assert.Equal((0m, 0m), (state.GetProperty("budget").GetProperty("reserved").GetDecimal(), state.GetProperty("budget").GetProperty("spent").GetDecimal()));
        Assert.Equal(0, state.GetProperty("deliveries").GetInt64());
        Assert.Contains("dead_lettered", await _engine.Http.GetStringAsync($"/v1/audit?subjectId={id}&limit=20"));

        receiver.Otherwise = _ => 204;
        Assert.Equal(HttpStatusCode.OK, (await _engine.Http.PostAsync($"/v1/deliveries/{id}/retry", null)).StatusCode);
        await Delivery(id, "delivered");
        Assert.Equal(HttpStatusCode.Conflict, (await _engine.Http.PostAsync($"/v1/deliveries/{id}/retry", null)).StatusCode);
        var paid = await Eventually.Holds(async () => await _engine.Json(await _engine.Http.GetAsync($"/v1/campaigns/{campaign.Id}/state")),
            s => s.GetProperty("deliveries").GetInt64() == 1, TimeSpan.FromSeconds(10), "the retried delivery counted");
        Assert.Equal(2m, paid.GetProperty("budget").GetProperty("spent").GetDecimal());
        Assert.Contains("retry_delivery", await _engine.Http.GetStringAsync($"/v1/audit?subjectId={id}&limit=20"));
    }

    [Fact]
    public async Task An_email_arrives_over_smtp_in_the_customers_locale_with_one_click_unsubscribe_that_withdraws_consent()
    {
        await using var smtp = SmtpSink.Start();
        var put = await _engine.Http.Put("/v1/connectors/email", new ConnectorSettings { Type = "smtp", Host = "127.0.0.1", Port = smtp.Port, Security = "none", From = "Shop <news@shop.example>", Username = "relay", Password = "relay-secret" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.DoesNotContain("relay-secret", await put.Content.ReadAsStringAsync());
        var campaign = await _engine.Created(LocalizedEmail(TestEvents.NewId("mail")));
        var c = TestEvents.NewId("reader");
        await Customer(c, "email", ("email", "ana@example.com"), ("locale", "fr"));

        var decision = await View(c, c + "-view-1");
        Assert.Equal("welcome-fr", decision.GetProperty("action").GetProperty("actionId").GetString());
        var message = await Eventually.Holds(() => Task.FromResult(smtp.Messages.FirstOrDefault()), m => m is not null, TimeSpan.FromSeconds(30), "the email reached the SMTP server");

        Assert.Equal("Bienvenue, Ana", message!.Subject);
        Assert.Contains(("relay", "relay-secret"), smtp.SignIns);
        Assert.Equal("ana@example.com", message.To.Mailboxes.Single().Address);
        Assert.Contains("Bonjour Ana", message.HtmlBody ?? "");
        Assert.Equal("List-Unsubscribe=One-Click", message.Headers["List-Unsubscribe-Post"]);
        var link = message.Headers["List-Unsubscribe"]!.Trim('<', '>');
        Assert.StartsWith(EmbeddedEngine.BaseAddressOf(_engine.App) + "/v1/unsubscribe/", link);
        await Delivery(decision.GetProperty("decisionId").GetString()!, "delivered");

        // The mail client's one-click POST (RFC 8058), without any engine key.
        using var anonymous = new HttpClient();
        var clicked = await anonymous.PostAsync(link, new StringContent("List-Unsubscribe=One-Click", Encoding.ASCII, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.OK, clicked.StatusCode);
        var forged = await anonymous.PostAsync(link[..^4] + "AAAA", new StringContent("List-Unsubscribe=One-Click", Encoding.ASCII, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);

        var next = await View(c, c + "-view-2", explain: true);
        Assert.Equal(JsonValueKind.Null, next.TryGetProperty("action", out var a) ? a.ValueKind : JsonValueKind.Null);
        Assert.Contains("consent_missing", next.GetRawText());
        Assert.Contains("one_click_unsubscribe", await _engine.Http.GetStringAsync("/v1/audit?kind=consent&limit=20"));
        Assert.Equal(campaign.Id, decision.GetProperty("campaignId").GetString());
    }

    [Fact]
    public async Task A_preview_renders_an_action_for_a_customer_and_sends_nothing()
    {
        await using var smtp = SmtpSink.Start();
        var campaign = await _engine.Created(LocalizedEmail(TestEvents.NewId("preview")), activate: false);
        var c = TestEvents.NewId("previewed");
        await Customer(c, "email", ("email", "p@example.com"));

        var preview = await _engine.Http.Post("/v1/actions/preview", new { campaignId = campaign.Id, actionId = "welcome-en", customerId = c }).Body();

        Assert.Equal("Welcome, Ana", preview.GetProperty("subject").GetString());
        Assert.Equal("action_not_found", (await _engine.Http.Post("/v1/actions/preview", new { campaignId = campaign.Id, actionId = "nope", customerId = c }).Outcome()).Reason);
        Assert.Equal(HttpStatusCode.BadRequest, (await _engine.Http.Post("/v1/actions/preview", new { campaignId = campaign.Id, actionId = "welcome-en" }).Outcome()).Status);
        Assert.Empty(smtp.Messages);
    }

    [Fact]
    public async Task A_template_that_does_not_compile_is_refused_when_the_campaign_is_written()
    {
        var campaign = LocalizedEmail(TestEvents.NewId("broken"));
        campaign = campaign with { Actions = [campaign.Actions[0] with { Content = new ActionContent { Subject = "{{ oops", Text = "x" } }] };

        var refused = await _engine.PostJson("/v1/campaigns", campaign).Body();

        Assert.Equal("invalid_campaign", refused.GetProperty("reason").GetString());
        Assert.Contains(refused.GetProperty("errors").EnumerateArray(), e => e.GetString()!.StartsWith("actions[0].content.subject: does not compile", StringComparison.Ordinal));
    }
}
