using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CsCheck;
using MarketingActors.Governance;
using MarketingActors.Tests.Support;
using Xunit.Abstractions;

namespace MarketingActors.Tests.Gateway;

/// <summary>
/// The engine as a hostile key holder finds it: over ten thousand generated requests across events,
/// campaigns, budgets, agent policies, approvals, keys, the kill switch, queries and raw bytes, from
/// keys of every role. Whatever arrives, the engine never answers 5xx, every refusal carries a
/// machine-readable reason, and the campaigns and customers stored before read the same after.
/// </summary>
[Collection(OwnEngineCollection.Name)]
public sealed class HostileInputSpec(ITestOutputHelper output) : IAsyncLifetime
{
    public const int Requests = 10_000;

    private readonly EmbeddedEngine _engine = new(["--MarketingActors:Security:RequestsPerWindow=10000000"]);
    private readonly Dictionary<string, HttpClient> _keys = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, int> _statuses = new();
    /// <summary>What each failing attempt got, so a failure says what was wrong and not only what was sent.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Attempt, string> _violations = new();

    private const string ActiveCampaign = "fixed-active";
    private const string DraftCampaign = "fixed-draft";
    private const string FixedAgent = "fixed-agent";
    private static readonly string[] FixedCustomers = ["fixed-ann", "fixed-bo"];

    public async Task InitializeAsync()
    {
        await _engine.InitializeAsync();
        await _engine.Created(SampleCampaigns.SpringSale(ActiveCampaign));
        await _engine.Created(SampleCampaigns.SpringSale(DraftCampaign), activate: false);
        foreach (var customer in FixedCustomers)
        {
            var events = string.Join(',', Enumerable.Range(0, 5).Select(i =>
                $$"""{"eventId":"{{customer}}-{{i}}","customerId":"{{customer}}","type":"{{(i == 0 ? "identify" : "product_view")}}","traits":{"consent.email":"true","locale":"fr-FR"} }"""));
            Assert.Equal(HttpStatusCode.OK, (await _engine.PostJson("/v1/events", $"[{events}]")).StatusCode);
        }
        _keys["admin"] = _engine.Http;
        _keys["owner"] = await _engine.KeyFor("fuzz-owner", Roles.CampaignOwner, ActiveCampaign, DraftCampaign);
        _keys["writer"] = await _engine.KeyFor("fuzz-writer", Roles.EventWriter);
        _keys["reader"] = await _engine.KeyFor("fuzz-reader", Roles.Reader);
        _keys["agent"] = await _engine.AgentWith(FixedAgent, new AgentPolicy
        {
            AllowedOperations = Operations.AgentGrantable, Campaigns = [ActiveCampaign, DraftCampaign], Segments = ["vip"], MaxBudgetChangePerDay = 1,
        });
    }

    public Task DisposeAsync() => _engine.DisposeAsync();

    // --- values a hostile client sends -----------------------------------------------------------------

    private static string Json(string text) => JsonSerializer.Serialize(text);

    private static Gen<T> AnyOf<T>(params T[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    /// <summary>One value from each generator, in order.</summary>
    private static Gen<string[]> Each(params Gen<string>[] gens) =>
        gens.Aggregate(Gen.Const(Array.Empty<string>()), (all, next) => all.SelectMany(values => next.Select(value => (string[])[.. values, value])));

    private static readonly Gen<string> HostileString = Gen.OneOf(
        Gen.Const("\"\""), Gen.Const("\"\\ud800\""), Gen.Const("\"x\\udc00y\""), Gen.Const("\"a\\u0000b\""), Gen.Const("\"\\u0007\\u001f\""),
        Gen.Const("\"\\u202e\\u200b\""), Gen.Const("\"𝄞☕é\""), Gen.Const(Json(new string('x', 5_000))), Gen.Const("\"null\""), Gen.Const("\"1e400\""),
        Gen.Const("\"NaN\""), Gen.Const("\"10675199.02:48:05\""), Gen.Const("\"-00:00:01\""), Gen.Const("\"2026-13-45T99:99:99Z\""),
        Gen.String[0, 30].Select(Json));

    private static readonly Gen<string> HostileNumber = Gen.OneOf(
        Gen.Const("0"), Gen.Const("-1"), Gen.Const("-0.0001"), Gen.Const("1e28"), Gen.Const("7.9e28"), Gen.Const("1e400"), Gen.Const("-1e400"),
        Gen.Const("79228162514264337593543950336"), Gen.Const("0.00000000000000000000000000001"), Gen.Const("2147483648"), Gen.Const("9223372036854775808"),
        Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static readonly Gen<string> HostileScalar = Gen.OneOf(HostileString, HostileNumber, Gen.Const("true"), Gen.Const("false"), Gen.Const("null"));

    private static Gen<string> HostileValue(int depth) => depth == 0 ? HostileScalar : Gen.OneOf(
        HostileScalar,
        HostileValue(depth - 1).Array[0, 4].Select(items => "[" + string.Join(',', items) + "]"),
        Gen.Select(HostileString, HostileValue(depth - 1)).Array[0, 4].Select(fields => "{" + string.Join(',', fields.Select(f => f.Item1 + ":" + f.Item2)) + "}"));

    private static readonly Gen<string> AnyValue = HostileValue(2);

    /// <summary>Either the well-formed value or, one time in eight, something hostile in its place (so most requests carry one or two faults, not all).</summary>
    private static Gen<string> Or(string good) => Gen.Frequency((7, Gen.Const(good)), (1, AnyValue));

    private static readonly Gen<string> HostileSegment = Gen.OneOf(
        Gen.Const("%00"), Gen.Const("a%00b"), Gen.Const("%FF%FE"), Gen.Const("%ED%A0%80"), Gen.Const("..%2F..%2Fetc"), Gen.Const("%0A%0D"),
        Gen.Const(new string('z', 300)), Gen.Const("%F0%9D%84%9E"), Gen.Const(ActiveCampaign), Gen.Const("Spring%20Sale!"), Gen.Const("fixed-ann"),
        Gen.String[1, 12].Select(Uri.EscapeDataString));

    // --- requests ------------------------------------------------------------------------------------

    private sealed record Attempt(string Key, string Method, string Path, string? Body, string ContentType = "application/json", byte[]? Raw = null)
    {
        public override string ToString() => $"{Key} {Method} {Path} {(Raw is null ? Body : Convert.ToHexString(Raw))}";
    }

    private static readonly Gen<string> AnyKey = AnyOf("admin", "admin", "admin", "admin", "admin", "admin", "owner", "agent", "writer", "reader");

    /// <summary>An event; aimed at a stored customer it always carries an unreadable timestamp, so it must be refused.</summary>
    private static readonly Gen<string> Event =
        Gen.Select(Gen.Bool, Or("\"e-fuzz\""), Or("\"page_view\""), Or("{\"sku\":\"1\"}"), Or("12.5"), Or("\"web\""), Gen.Int[0, 1_000_000], AnyValue)
            .Select((fixedTarget, type, eventType, properties, value, channel, n, extra) =>
            {
                var customer = fixedTarget ? Json(FixedCustomers[n % 2]) : Json($"fuzz-{n % 500}");
                var timestamp = fixedTarget ? "\"not-a-date\"" : (n % 3 == 0 ? AnyTimestamp(n) : "null");
                return $$"""{"eventId":{{(n % 7 == 0 ? extra : Json($"e{n}"))}},"customerId":{{customer}},"type":{{eventType}},"timestamp":{{timestamp}},"properties":{{properties}},"value":{{value}},"channel":{{channel}}{{(n % 11 == 0 ? $",\"type\":{type}" : "")}}}""";
            });

    private static string AnyTimestamp(int n) => (n % 4) switch
    {
        0 => "\"9999-12-31T23:59:59Z\"",
        1 => "\"0001-01-01T00:00:00Z\"",
        2 => Json(DateTimeOffset.UtcNow.AddDays(-1).ToString("O")),
        _ => "12345",
    };

    private static readonly Gen<Attempt> Events =
        Gen.Select(AnyKey, Event.Array[1, 6], Gen.Int[0, 3]).Select((key, events, shape) => new Attempt(key, "POST", "/v1/events", shape switch
        {
            0 => events[0],
            1 => "[" + string.Join(',', events) + "]",
            2 => "{\"events\":[" + string.Join(',', events) + "]}",
            _ => "{\"events\":[" + string.Join(',', events) + "],\"events\":[]}",
        }));

    /// <summary>A campaign with hostile parts: loops, extreme waits and costs, nulls, wrong types, duplicate keys.</summary>
    private static readonly Gen<string> Campaign =
        Gen.Select(Each(Or("\"Spring\""), Or("80"), Or("10"), Or("\"email\""), Or("0.01"), Or("\"product_view\""),
                        Or("\"action\""), AnyOf("null", "\"s1\"", "\"s2\"", "\"nowhere\""), Or("\"1.00:00:00\""), Or("100"), Or("10"), Or("\"USD\""),
                        Or("{}"), Or("[]"), Or("{\"velocity_drop\":\"s2\"}")), Gen.Bool)
            .Select((v, duplicate) => $$"""
                {"id":"ID","name":{{v[0]}},"conversionValue":{{v[1]}},"holdoutPercent":{{v[2]}},
                 "actions":[{"id":"a1","channel":{{v[3]}},"variant":"v","cost":{{v[4]}}}],
                 "journey":{"entryTrigger":{{v[5]}},"reroutes":{{v[14]}},"steps":[{"id":"s1","kind":{{v[6]}},"next":{{v[7]}},"actionIds":{{v[13]}}},
                   {"id":"s2","kind":"wait","duration":{{v[8]}}}]},
                 "budget":{"total":{{v[9]}},"daily":{{v[10]}},"currency":{{v[11]}}},"guardrails":{{v[12]}}{{(duplicate ? ",\"name\":\"twice\"" : "")}}}
                """);

    private static readonly Gen<Attempt> Campaigns =
        Gen.Select(AnyKey, Campaign, Gen.Int[0, 3], Gen.Int[0, 200]).Select((key, body, target, n) => target switch
        {
            0 => new Attempt(key, "POST", "/v1/campaigns", body.Replace("\"ID\"", Json($"fuzz-c{n}"))),
            1 => new Attempt(key, "POST", "/v1/campaigns", body.Replace("\"ID\"", n % 2 == 0 ? "\"Bad Id!\"" : "null")),
            // A stored campaign is only ever sent definitions that cannot pass (holdout far past 50 %).
            2 => new Attempt(key, "PUT", $"/v1/campaigns/{(n % 2 == 0 ? ActiveCampaign : DraftCampaign)}", body.Replace("\"ID\"", Json(ActiveCampaign)).Replace("\"holdoutPercent\":", "\"holdoutPercent\":99,\"x\":")),
            _ => new Attempt(key, "PUT", $"/v1/campaigns/fuzz-c{n}", body.Replace("\"ID\"", Json($"fuzz-c{n}"))),
        });

    private static readonly Gen<Attempt> Budgets =
        Gen.Select(AnyKey, Or("5"), Or("1"), Or("\"USD\""), Gen.Bool).Select((key, total, daily, currency, stored) => stored
            ? new Attempt(key, "PUT", $"/v1/campaigns/{ActiveCampaign}/budget", $$"""{"total":-1,"daily":{{daily}},"currency":{{currency}}}""")
            : new Attempt(key, "PUT", "/v1/campaigns/fuzz-c1/budget", $$"""{"total":{{total}},"daily":{{daily}},"currency":{{currency}}}"""));

    private static readonly Gen<Attempt> Policies =
        Gen.Select(AnyKey, Or("[\"shift_budget\"]"), Or("[\"fuzz-c1\"]"), Or("5"), Or("10"), Gen.Bool).Select((key, ops, campaigns, max, pct, stored) => stored
            ? new Attempt(key, "PUT", $"/v1/agents/{FixedAgent}/policy", $$"""{"allowedOperations":["launch_rockets"],"campaigns":{{campaigns}},"maxBudgetChangePerDay":{{max}}}""")
            : new Attempt(key, "PUT", "/v1/agents/fuzz-agent/policy", $$"""{"allowedOperations":{{ops}},"campaigns":{{campaigns}},"maxBudgetChangePerDay":{{max}},"maxBudgetChangePercentPerDay":{{pct}}}"""));

    private static readonly Gen<Attempt> Keys =
        Gen.Select(AnyKey, Or("\"fuzz-principal\""), Or("\"reader\""), Or("[]")).Select((key, principal, role, campaigns) =>
            new Attempt(key, "POST", "/v1/keys", $$"""{"principalId":{{principal}},"role":{{role}},"campaigns":{{campaigns}}}"""));

    private static readonly Gen<Attempt> Approvals =
        Gen.Select(AnyKey, HostileSegment, AnyOf("approve", "reject"), Or("{\"comment\":\"ok\"}")).Select((key, id, verb, body) =>
            new Attempt(key, "POST", $"/v1/approvals/{id}/{verb}", body));

    private static readonly Gen<Attempt> KillSwitch =
        Gen.Select(AnyKey, Or("false"), AnyOf("\"fuzz-c1\"", "\"NOT valid\"", "null", "\"\\u0000\"", "7")).Select((key, engaged, campaign) =>
            new Attempt(key, "POST", "/v1/kill-switch", $$"""{"engaged":{{engaged}},"campaignId":{{campaign}}}"""));

    private static readonly Gen<Attempt> Queries =
        Gen.Select(AnyKey, HostileSegment, HostileSegment, Gen.Int[0, 9]).Select((key, a, b, which) => new Attempt(key, "GET", which switch
        {
            0 => $"/v1/audit?principal={a}&kind={b}&limit={b}",
            1 => $"/v1/audit?campaignId={a}&from={b}&customerId={b}",
            2 => $"/v1/audit/explain?customerId={a}&decisionId={b}&compare={a}",
            3 => $"/v1/customers/{a}/next-best-action?placement={b}",
            4 => $"/v1/customers/{a}",
            5 => $"/reports/campaigns/{a}?source={b}",
            6 => $"/v1/campaigns/{a}/report?format={b}",
            7 => $"/v1/approvals?status={a}&campaignId={b}",
            8 => $"/v1/campaigns/{a}/state",
            _ => $"/v1/{a}/{b}",
        }, null));

    /// <summary>Bodies that are not JSON at all, or not UTF-8, or sent as something else.</summary>
    private static readonly Gen<Attempt> Raw =
        Gen.Select(AnyKey, Gen.Byte.Array[0, 64], AnyOf("/v1/events", "/v1/campaigns", "/v1/keys", "/v1/kill-switch", "/v1/audit/verify", "/signin"),
                   AnyOf("application/json", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1"))
            .Select((key, bytes, path, type) => new Attempt(key, "POST", path, null, type, [.. "{\"eventId\":\""u8.ToArray(), .. bytes, .. "\"}"u8.ToArray()]));

    /// <summary>Past the body limit (1 MiB): refused before it is read whole.</summary>
    private static readonly Gen<Attempt> Oversized =
        Gen.Select(AnyKey, AnyOf("/v1/events", "/v1/campaigns", "/v1/keys")).Select((key, path) => new Attempt(key, "POST", path, "[" + new string(' ', 1_100_000) + "]"));

    private static readonly Gen<Attempt> AnyAttempt = Gen.Frequency(
        (60, Events), (50, Campaigns), (20, Budgets), (20, Policies), (10, Keys), (10, Approvals), (10, KillSwitch), (30, Queries), (20, Raw), (1, Oversized));

    private async Task<string?> Violation(Attempt attempt)
    {
        using var request = new HttpRequestMessage(new HttpMethod(attempt.Method), attempt.Path);
        if (attempt.Raw is not null || attempt.Body is not null)
        {
            request.Content = new ByteArrayContent(attempt.Raw ?? Encoding.UTF8.GetBytes(attempt.Body!));
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(attempt.ContentType);
        }
        using var response = await _keys[attempt.Key].SendAsync(request);
        var status = (int)response.StatusCode;
        _statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
        if (status >= 500 && status != 503) return $"{status}";
        // 503 means the engine could not take the request right now; a permanent error must never look like one.
        if (status == 503) return "503 for a request that will never succeed";
        if (status < 400) return null;
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            var body = JsonDocument.Parse(text).RootElement;
            return body.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String && reason.GetString()!.Length > 0 ? null : $"{status} without a reason: {text}";
        }
        catch (JsonException)
        {
            return $"{status} with a body that is not JSON: {text}";
        }
    }

    /// <summary>What the stored campaigns, customers and agent policy say, without the parts that move with the clock.</summary>
    private async Task<string> Stored()
    {
        var parts = new List<string>();
        foreach (var id in new[] { ActiveCampaign, DraftCampaign }) parts.Add(await _engine.Http.GetStringAsync($"/v1/campaigns/{id}"));
        foreach (var id in FixedCustomers)
        {
            var view = JsonDocument.Parse(await _engine.Http.GetStringAsync($"/v1/customers/{id}")).RootElement;
            parts.AddRange(new[] { "traits", "consent", "eventCount", "journeys", "recentDecisions", "mergedFrom" }.Select(p => view.GetProperty(p).GetRawText()));
        }
        parts.Add(await _engine.Http.GetStringAsync($"/v1/agents/{FixedAgent}/policy"));
        return string.Join('\n', parts);
    }

    [Fact]
    public async Task Ten_thousand_hostile_requests_get_no_5xx_a_reason_for_every_refusal_and_change_nothing_stored()
    {
        var before = await Stored();
        var sent = 0;
        await AnyAttempt.SampleAsync(async attempt =>
        {
            Interlocked.Increment(ref sent);
            if (await Violation(attempt) is not { } violation) return true;
            _violations[attempt] = violation;
            return false;
        }, iter: Requests, threads: 2, print: a => $"{a}\n  answered: {_violations.GetValueOrDefault(a)}");

        Assert.True(sent >= Requests, $"{sent} requests sent");
        // The generators reach every kind of answer, accepted ones included: the run was not ten thousand copies of one refusal.
        var seen = string.Join(", ", _statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"));
        output.WriteLine("answers: " + seen);
        Assert.All(new[] { 200, 400, 403, 404, 413, 415, 422 }, status => Assert.True(_statuses.GetValueOrDefault(status) >= 5, $"answers seen: {seen}"));
        Assert.Equal(before, await Stored());
        Assert.True((await _engine.Http.GetAsync("/v1/audit/verify").Body()).GetProperty("intact").GetBoolean());
    }
}
