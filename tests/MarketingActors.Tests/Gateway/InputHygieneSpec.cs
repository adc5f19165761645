using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MarketingActors.Campaigns;
using MarketingActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MarketingActors.Tests.Gateway;

/// <summary>Each way hostile text, numbers and shapes once reached a 5xx, now a refusal with a reason that harms nothing stored.</summary>
[Collection(EmbeddedEngineCollection.Name)]
public sealed class InputHygieneSpec(EmbeddedEngine engine)
{
    private async Task<(HttpStatusCode Status, string? Reason)> Post(string path, string json) => await engine.PostJson(path, json).Outcome();

    private async Task<long> EventCountOf(string customer) =>
        (await engine.Http.GetAsync($"/v1/customers/{customer}").Body()).GetProperty("eventCount").GetInt64();

    /// <summary>Orleans refuses a blank grain key by throwing: every route keyed by a customer id refuses it first.</summary>
    [Theory]
    [InlineData("GET", "/v1/customers/%20")]
    [InlineData("GET", "/v1/customers/%20%20/next-best-action?placement=home")]
    [InlineData("DELETE", "/v1/customers/%20")]
    [InlineData("GET", "/v1/customers/%20/export")]
    [InlineData("GET", "/v1/audit?customerId=%20")]
    public async Task A_blank_customer_id_is_refused_with_a_reason(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_customer_id"), await engine.Http.SendAsync(request).Outcome());
    }

    [Theory]
    [InlineData("eventId", """ "e\ud800" """)]
    [InlineData("customerId", """ "c\udc00" """)]
    [InlineData("type", """ "page\ud83d" """)]
    [InlineData("campaignId", """ "x\ud800" """)]
    public async Task An_unpaired_surrogate_in_any_field_of_an_event_is_refused_with_a_reason(string field, string value)
    {
        var fields = new Dictionary<string, string> { ["eventId"] = $"\"e-{Guid.NewGuid():N}\"", ["customerId"] = "\"hygiene\"", ["type"] = "\"page_view\"" };
        fields[field] = value.Trim();
        var json = "{" + string.Join(',', fields.Select(f => $"\"{f.Key}\":{f.Value}")) + "}";
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "invalid_text"), await Post("/v1/events", json));
    }

    [Fact]
    public async Task An_unpaired_surrogate_in_a_property_name_and_raw_invalid_UTF8_are_refused()
    {
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_text"), await Post("/v1/events", """{"eventId":"e1","customerId":"hygiene","type":"page_view","properties":{"\ud800":"x"}}"""));
        var raw = new ByteArrayContent([.. Encoding.UTF8.GetBytes("{\"eventId\":\"e1\",\"customerId\":\"c"), 0xFF, 0xFE, .. Encoding.UTF8.GetBytes("\",\"type\":\"page_view\"}")]);
        raw.Headers.ContentType = new("application/json");
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_utf8"), await engine.Http.PostAsync("/v1/events", raw).Outcome());
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_text"), await Post("/v1/campaigns", """{"id":"x","name":"\udfff"}"""));
    }

    [Fact]
    public async Task A_NUL_or_control_character_in_an_id_is_a_permanent_refusal_never_a_retry()
    {
        var nul = await engine.PostJson("/v1/events", """{"eventId":"e1","customerId":"ann\u0000","type":"page_view"}""");
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "invalid_text"), await Task.FromResult(nul).Outcome());
        Assert.False(nul.Headers.Contains("Retry-After"));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "invalid_text"), await Post("/v1/events", """{"eventId":"e\u0007","customerId":"ann","type":"page_view"}"""));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_text"), await engine.Http.GetAsync("/v1/audit?principal=a%00b").Outcome());
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_text"), await engine.Http.GetAsync("/v1/customers/ann%0Abo").Outcome());
    }

    [Fact]
    public async Task A_bad_event_in_a_batch_is_refused_alone_and_the_rest_are_applied()
    {
        var customer = TestEvents.NewId("hygiene-batch");
        var batch = $$"""[{"eventId":"g1","customerId":"{{customer}}","type":"page_view"},{"eventId":"g2","customerId":"bad\u0000","type":"page_view"},{"eventId":"g3","customerId":"{{customer}}","type":"page_view","properties":{"note":"a\u0000b"} },{"eventId":"g4","customerId":"{{customer}}","type":"page_view"}]""";

        var answer = await engine.PostJson("/v1/events", batch).Body();

        Assert.Equal(["accepted", "rejected", "rejected", "accepted"], answer.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("status").GetString()));
        Assert.Equal(2, await EventCountOf(customer));
    }

    [Theory]
    [InlineData("""{"id":"nulls","name":"x","budget":null}""", "budget")]
    [InlineData("""{"id":"nulls","name":"x","journey":null}""", "journey")]
    [InlineData("""{"id":"nulls","name":"x","journey":{"entryTrigger":null}}""", "entryTrigger")]
    [InlineData("""{"id":"nulls","name":"x","actions":[{"id":"a","channel":"email","variant":"v","cost":"1"}]}""", "cost")]
    [InlineData("""{"id":"nulls","name":"x","name":"y"}""", "name")]
    [InlineData("""{"id":"nulls","name":"x","budjet":{"total":1}}""", "budjet")]
    public async Task Nulls_strings_for_numbers_duplicate_keys_and_unknown_fields_are_refused_naming_the_field(string json, string named)
    {
        var response = await engine.PostJson("/v1/campaigns", json);
        var body = await engine.Json(response);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_json"), (response.StatusCode, body.GetProperty("reason").GetString()));
        Assert.Contains(named, body.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await engine.Http.GetAsync("/v1/campaigns/nulls")).StatusCode);
    }

    [Fact]
    public async Task Values_past_the_engine_bounds_and_looping_journeys_are_refused_at_write_time()
    {
        var id = TestEvents.NewId("bounds");
        var valid = SampleCampaigns.SpringSale(id);
        var cases = new (CampaignDefinition Campaign, string Error)[]
        {
            (valid with { Actions = [valid.Actions[0] with { Cost = 1e28m }, .. valid.Actions[1..]], Budget = valid.Budget with { Total = 7.9e28m } }, "actions[0].cost: at most"),
            (valid with { Journey = valid.Journey with { Steps = [valid.Journey.Steps[0], valid.Journey.Steps[1] with { Duration = TimeSpan.MaxValue }, .. valid.Journey.Steps[2..]] } }, "journey.steps[wait].duration: between"),
            (valid with { Journey = valid.Journey with { Steps = [valid.Journey.Steps[0] with { Next = "first-touch" }, .. valid.Journey.Steps[1..]] } }, "has no wait step"),
        };
        foreach (var (campaign, error) in cases)
        {
            var response = await engine.PostJson("/v1/campaigns", campaign);
            var body = await engine.Json(response);
            Assert.Equal((HttpStatusCode.UnprocessableEntity, "invalid_campaign"), (response.StatusCode, body.GetProperty("reason").GetString()));
            Assert.Contains(body.GetProperty("errors").EnumerateArray(), e => e.GetString()!.Contains(error));
        }
        Assert.Equal(HttpStatusCode.NotFound, (await engine.Http.GetAsync($"/v1/campaigns/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_definition_stored_before_the_bounds_with_extreme_values_cannot_fail_an_event()
    {
        var catalog = engine.App.Services.GetRequiredService<IGrainFactory>().GetGrain<ICampaignCatalogGrain>(0);
        // As an older engine stored them: an ad costing near decimal's range; a wait of TimeSpan.MaxValue after a free ad.
        var costly = await engine.Created(SampleCampaigns.SpringSale(TestEvents.NewId("legacy-cost")));
        await catalog.Publish(costly with { Actions = [.. costly.Actions.Select(a => a with { Cost = 1e27m })] });
        var endless = await engine.Created(SampleCampaigns.SpringSale(TestEvents.NewId("legacy-wait")));
        await catalog.Publish(endless with
        {
            Actions = [.. endless.Actions.Select(a => a with { Cost = 0m })],
            Journey = endless.Journey with { Steps = [endless.Journey.Steps[0], endless.Journey.Steps[1] with { Duration = TimeSpan.MaxValue }, .. endless.Journey.Steps[2..]] },
        });
        var customer = TestEvents.NewId("legacy-c");

        var answer = await engine.PostJson("/v1/events", $$"""{"eventId":"{{Guid.NewGuid():N}}","customerId":"{{customer}}","type":"product_view"}""");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var decisions = (await engine.Json(answer)).GetProperty("results")[0].GetProperty("decisions").EnumerateArray().ToList();
        Assert.Equal("budget_exhausted", decisions.Single(d => d.GetProperty("campaignId").GetString() == costly.Id).GetProperty("reason").GetString());
        var journey = (await engine.Http.GetAsync($"/v1/customers/{customer}").Body()).GetProperty("journeys").EnumerateArray().Single(j => j.GetProperty("campaignId").GetString() == endless.Id);
        Assert.Equal(("wait", DateTimeOffset.MaxValue), (journey.GetProperty("stepId").GetString(), journey.GetProperty("waitUntil").GetDateTimeOffset()));
    }

    /// <summary>A request the HTTP server refuses or cannot read, over a raw socket: the answer still says why.</summary>
    private async Task<(int Status, string Body)> Raw(string requestLineAndHeaders, string body = "")
    {
        var address = new Uri(EmbeddedEngine.BaseAddressOf(engine.App));
        using var socket = new TcpClient();
        await socket.ConnectAsync(address.Host, address.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(requestLineAndHeaders + $"Host: {address.Authority}\r\nAuthorization: Bearer {engine.AdminKey}\r\nConnection: close\r\n\r\n{body}"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync();
        var status = int.Parse(response.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headersEnd = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var content = response[(headersEnd + 4)..];
        return (status, response[..headersEnd].Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase) ? Dechunked(content) : content);
    }

    /// <summary>A chunked HTTP/1.1 body's content (the answers here are ASCII, so a chunk's size in bytes is its length in characters).</summary>
    private static string Dechunked(string chunked)
    {
        var content = new StringBuilder();
        for (var at = 0; ;)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(chunked[at..lineEnd].Split(';')[0], 16);
            if (size == 0) return content.ToString();
            content.Append(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }

    [Fact]
    public async Task A_body_the_HTTP_server_cannot_read_is_refused_with_a_reason_and_not_logged_as_an_engine_error()
    {
        var errorsBefore = engine.Logs.Entries.Count(e => e.Level >= LogLevel.Error);

        var (status, body) = await Raw("POST /v1/events HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n", "zz\r\n{}\r\n0\r\n\r\n");

        Assert.Equal((400, "bad_request"), (status, JsonDocument.Parse(body).RootElement.GetProperty("reason").GetString()));
        // The client's doing, answered as such: an error line for each would page an operator for nothing.
        Assert.Equal(errorsBefore, engine.Logs.Entries.Count(e => e.Level >= LogLevel.Error));
    }

    [Fact]
    public async Task Refusals_of_the_HTTP_server_itself_carry_a_reason_too()
    {
        var nul = await Raw("GET /v1/campaigns/a%00b HTTP/1.1\r\n");
        var longLine = await Raw($"GET /v1/campaigns/{new string('a', 20_000)} HTTP/1.1\r\n");
        var bigHeaders = await Raw($"GET /v1/campaigns HTTP/1.1\r\nX-Big: {new string('a', 40_000)}\r\n");

        Assert.Equal((400, "bad_request"), (nul.Status, JsonDocument.Parse(nul.Body).RootElement.GetProperty("reason").GetString()));
        Assert.Equal((414, "uri_too_long"), (longLine.Status, JsonDocument.Parse(longLine.Body).RootElement.GetProperty("reason").GetString()));
        Assert.Equal((431, "headers_too_large"), (bigHeaders.Status, JsonDocument.Parse(bigHeaders.Body).RootElement.GetProperty("reason").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await engine.Http.GetAsync("/v1/campaigns")).StatusCode);
    }
}
