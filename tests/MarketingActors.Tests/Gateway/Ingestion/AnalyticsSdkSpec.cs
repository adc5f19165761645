using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MarketingActors.Governance;
using MarketingActors.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace MarketingActors.Tests.Gateway.Ingestion;

/// <summary>
/// The analytics SDKs backends already run (@segment/analytics-node, @rudderstack/rudder-sdk-node
/// from npm, unchanged but for host and write key) pointed at the engine over loopback; and the
/// promise behind them: nothing the engine refuses is lost silently.
/// </summary>
public sealed class AnalyticsSdkSpec : IAsyncLifetime
{
    private readonly EmbeddedEngine _engine = new();

    public Task InitializeAsync() => _engine.InitializeAsync();

    public Task DisposeAsync() => _engine.DisposeAsync();

    private async Task<(string Token, string Principal)> WriteKey()
    {
        var principal = TestEvents.NewId("backend");
        var created = await _engine.Json(await _engine.PostJson("/v1/keys", new KeyRequest { PrincipalId = principal, Role = Roles.EventWriter }));
        return (created.GetProperty("token").GetString()!, principal);
    }

    private async Task<JsonElement> Sdk(string sdk, string scenario, string writeKey, string prefix)
    {
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, "tests", "sdk", "node_modules", "@segment", "analytics-node", "package.json")),
            "run `(cd tests/sdk && npm ci)` first; the README's test command does");
        var run = await ExternalProcess.Run("node", ["tests/sdk/send.mjs", sdk, scenario], TimeSpan.FromSeconds(60), new Dictionary<string, string>
        {
            ["ENGINE_URL"] = EmbeddedEngine.BaseAddressOf(_engine.App).TrimEnd('/'),
            ["WRITE_KEY"] = writeKey,
            ["PREFIX"] = prefix,
        });
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonDocument.Parse(run.Output.Trim().Split('\n')[^1]).RootElement;
    }

    private async Task<JsonElement> Customer(string id)
    {
        var response = await _engine.Http.GetAsync($"/v1/customers/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await _engine.Json(response);
    }

    [Theory]
    [InlineData("segment")]
    [InlineData("rudderstack")]
    public async Task The_sdk_journey_lands_in_one_stitched_profile_with_traits_consent_and_the_order_counted_once(string sdk)
    {
        var (key, _) = await WriteKey();
        var prefix = TestEvents.NewId(sdk);

        var outcome = await Sdk(sdk, "journey", key, prefix);

        Assert.Empty(outcome.GetProperty("errors").EnumerateArray());
        var user = await Customer($"{prefix}-user");
        // page + product view (anonymous, merged once) + identify + one order + screen + group + alias.
        Assert.Equal(7, user.GetProperty("eventCount").GetInt64());
        Assert.Equal(42.5m, user.GetProperty("monetaryValue").GetDecimal());
        Assert.Equal("pro", user.GetProperty("traits").GetProperty("plan").GetString());
        Assert.Equal("retail", user.GetProperty("traits").GetProperty("group.industry").GetString());
        Assert.Equal($"{prefix}-acme", user.GetProperty("traits").GetProperty("group.id").GetString());
        Assert.True(user.GetProperty("consent").GetProperty("email").GetBoolean());
        var merged = user.GetProperty("mergedFrom").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Contains($"{prefix}-anon", merged);
        Assert.Contains($"{prefix}-legacy", merged);
        Assert.Equal($"{prefix}-user", (await Customer($"{prefix}-anon")).GetProperty("mergedInto").GetString());
    }

    [Theory]
    [InlineData("segment")]
    [InlineData("rudderstack")]
    public async Task A_batch_of_which_nothing_is_taken_is_reported_as_failed_by_the_sdk_and_quarantined_with_its_reason(string sdk)
    {
        var (key, principal) = await WriteKey();

        var outcome = await Sdk(sdk, "rejected", key, TestEvents.NewId(sdk));

        Assert.NotEmpty(outcome.GetProperty("errors").EnumerateArray());
        var held = await _engine.Json(await _engine.Http.GetAsync($"/v1/quarantine?source={principal}"));
        Assert.Equal(2, held.GetProperty("matching").GetInt32());
        Assert.All(held.GetProperty("events").EnumerateArray(), e => Assert.Equal("unknown_event_type", e.GetProperty("reason").GetString()));
        var metrics = await (await _engine.Http.GetAsync("/metrics")).Content.ReadAsStringAsync();
        Assert.Contains($"reason=\"unknown_event_type\",source=\"{principal}\"", metrics);
    }

    [Fact]
    public async Task Quarantined_events_are_applied_once_after_the_tracking_plan_learns_their_name()
    {
        var (key, principal) = await WriteKey();
        var prefix = TestEvents.NewId("replay");
        await Sdk("segment", "rejected", key, prefix);
        Assert.Equal(HttpStatusCode.NotFound, (await _engine.Http.GetAsync($"/v1/customers/{prefix}-user")).StatusCode);

        var configuration = (IConfigurationRoot)_engine.App.Configuration;
        configuration["MarketingActors:TrackingPlan:Aliases:spaceship_launched"] = "signup";
        configuration["MarketingActors:TrackingPlan:Aliases:spaceship_landed"] = "app_open";
        configuration.Reload();
        var replay = await _engine.Json(await _engine.PostJson("/v1/quarantine/replay", new { source = principal }));
        var again = await _engine.Json(await _engine.PostJson("/v1/quarantine/replay", new { source = principal }));

        Assert.Equal((2, 2), (replay.GetProperty("replayed").GetInt32(), replay.GetProperty("accepted").GetInt32()));
        Assert.Equal(0, again.GetProperty("replayed").GetInt32());
        Assert.Equal(2, (await Customer($"{prefix}-user")).GetProperty("eventCount").GetInt64());
        Assert.Equal(0, (await _engine.Json(await _engine.Http.GetAsync($"/v1/quarantine?source={principal}"))).GetProperty("matching").GetInt32());
    }

    public static TheoryData<string, string, string, string> PlanRejections() => new()
    {
        // reason, what the message carries beyond its ids, the plan setting that lets it in, its new value
        { "unknown_event_type", "\"event\":\"Rocket Fuelled\"", "Aliases:rocket_fuelled", "signup" },
        { "too_many_properties", "\"event\":\"Product Viewed\",\"properties\":{" + string.Join(",", Enumerable.Range(0, 70).Select(i => $"\"p{i}\":{i}")) + "}", "MaxProperties", "100" },
        { "property_too_large", "\"event\":\"Product Viewed\",\"properties\":{\"note\":\"" + new string('x', 3000) + "\"}", "MaxPropertyValueLength", "4096" },
        { "timestamp_too_old", "\"event\":\"Product Viewed\",\"timestamp\":\"" + DateTimeOffset.UtcNow.AddDays(-120).ToString("O") + "\"", "MaxAge", "200.00:00:00" },
        { "timestamp_in_future", "\"event\":\"Product Viewed\",\"timestamp\":\"" + DateTimeOffset.UtcNow.AddHours(3).ToString("O") + "\"", "MaxFutureSkew", "06:00:00" },
    };

    [Theory]
    [MemberData(nameof(PlanRejections))]
    public async Task Each_rejection_the_plan_decides_is_quarantined_counted_and_applied_once_when_the_plan_lets_it_in(string reason, string body, string setting, string value)
    {
        var (key, principal) = await WriteKey();
        var user = TestEvents.NewId("plan");
        var message = $$"""{"type":"track","userId":"{{user}}","messageId":"{{TestEvents.NewId("m")}}",{{body}}}""";

        var refused = await PostBatch($$"""{"batch":[{{message}}]}""", r => r.Headers.Authorization = new("Bearer", key));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var held = await _engine.Json(await _engine.Http.GetAsync($"/v1/quarantine?source={principal}&reason={reason}"));
        Assert.Equal(1, held.GetProperty("matching").GetInt32());
        Assert.Contains($"reason=\"{reason}\",source=\"{principal}\"", await (await _engine.Http.GetAsync("/metrics")).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await _engine.Http.GetAsync($"/v1/customers/{user}")).StatusCode);

        var configuration = (IConfigurationRoot)_engine.App.Configuration;
        configuration["MarketingActors:TrackingPlan:" + setting] = value;
        configuration.Reload();
        var replay = await _engine.Json(await _engine.PostJson("/v1/quarantine/replay", new { source = principal }));
        var again = await _engine.Json(await _engine.PostJson("/v1/quarantine/replay", new { source = principal }));

        Assert.Equal(1, replay.GetProperty("accepted").GetInt32());
        Assert.Equal(0, again.GetProperty("replayed").GetInt32());
        Assert.Equal(1, (await Customer(user)).GetProperty("eventCount").GetInt64());
    }

    [Theory]
    [InlineData("missing_customer_id", """{"type":"track","event":"Product Viewed","messageId":"m-1"}""")]
    [InlineData("unknown_message_type", """{"type":"teleport","userId":"u-1","messageId":"m-2"}""")]
    [InlineData("invalid_timestamp", """{"type":"track","event":"Product Viewed","userId":"u-1","messageId":"m-3","timestamp":"yesterday"}""")]
    public async Task A_message_no_plan_can_fix_is_quarantined_with_its_reason_too(string reason, string message)
    {
        var (key, principal) = await WriteKey();

        var refused = await PostBatch($$"""{"batch":[{{message}}]}""", r => r.Headers.Authorization = new("Bearer", key));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var held = await _engine.Json(await _engine.Http.GetAsync($"/v1/quarantine?source={principal}"));
        Assert.Equal(reason, held.GetProperty("events")[0].GetProperty("reason").GetString());
    }

    private async Task<HttpResponseMessage> PostBatch(string json, Action<HttpRequestMessage>? authorize = null, bool gzip = false, string contentType = "application/json")
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        if (gzip)
        {
            using var compressed = new MemoryStream();
            using (var zip = new GZipStream(compressed, CompressionLevel.Fastest)) zip.Write(bytes);
            bytes = compressed.ToArray();
        }
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (gzip) request.Content.Headers.ContentEncoding.Add("gzip");
        authorize?.Invoke(request);
        return await _engine.ClientWith(null).SendAsync(request);
    }

    private static string Track(string user, string messageId, string extra = "") =>
        $$"""{"type":"track","event":"Product Viewed","userId":"{{user}}","messageId":"{{messageId}}"{{extra}}}""";

    [Fact]
    public async Task A_write_key_is_taken_from_basic_auth_from_bearer_and_from_the_body()
    {
        var (key, _) = await WriteKey();
        var user = TestEvents.NewId("auth");
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":"));

        var viaBasic = await PostBatch($$"""{"batch":[{{Track(user, TestEvents.NewId("m"))}}]}""", r => r.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic));
        var viaBearer = await PostBatch($$"""{"batch":[{{Track(user, TestEvents.NewId("m"))}}]}""", r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key));
        var viaBody = await PostBatch($$"""{"writeKey":"{{key}}","batch":[{{Track(user, TestEvents.NewId("m"))}}]}""");
        var withoutKey = await PostBatch($$"""{"batch":[{{Track(user, TestEvents.NewId("m"))}}]}""");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (viaBasic.StatusCode, viaBearer.StatusCode, viaBody.StatusCode));
        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal(3, (await Customer(user)).GetProperty("eventCount").GetInt64());
    }

    [Fact]
    public async Task A_gzip_body_that_inflates_past_the_limit_is_refused_and_stores_nothing()
    {
        var (key, _) = await WriteKey();
        var user = TestEvents.NewId("bomb");
        var padding = new string(' ', 2 * 1024 * 1024);

        var response = await PostBatch($$"""{"batch":[{{Track(user, TestEvents.NewId("m"))}}]}{{padding}}""", r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key), gzip: true);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("payload_too_large", (await _engine.Json(response)).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await _engine.Http.GetAsync($"/v1/customers/{user}")).StatusCode);
    }

    [Fact]
    public async Task A_device_clock_an_hour_fast_is_corrected_by_the_send_time()
    {
        var (key, _) = await WriteKey();
        var user = TestEvents.NewId("skew");
        var deviceNow = DateTimeOffset.UtcNow.AddHours(1);
        var happened = deviceNow.AddSeconds(-30);

        var response = await PostBatch(
            $$"""{"sentAt":"{{deviceNow:O}}","batch":[{{Track(user, TestEvents.NewId("m"), $",\"timestamp\":\"{happened:O}\"")}}]}""",
            r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lastSeen = (await Customer(user)).GetProperty("lastSeen").GetDateTimeOffset();
        Assert.InRange(lastSeen, DateTimeOffset.UtcNow.AddSeconds(-40), DateTimeOffset.UtcNow.AddSeconds(-20));
    }

    [Fact]
    public async Task A_customer_the_engine_never_saw_is_not_found()
    {
        var response = await _engine.Http.GetAsync($"/v1/customers/{TestEvents.NewId("nobody")}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("unknown_customer", (await _engine.Json(response)).GetProperty("reason").GetString());
    }
}
