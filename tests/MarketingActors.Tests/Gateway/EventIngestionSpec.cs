using System.Net;
using System.Text;
using System.Text.Json;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Gateway;

[Collection(EmbeddedEngineCollection.Name)]
public sealed class EventIngestionSpec(EmbeddedEngine engine)
{
    private static string Event(string eventId, string customerId, string type = "page_view", string extra = "") =>
        $$"""{"eventId":"{{eventId}}","customerId":"{{customerId}}","type":"{{type}}"{{extra}}}""";

    private async Task<long> EventCountOf(string customerId)
    {
        var view = await engine.Json(await engine.Http.GetAsync($"/v1/customers/{customerId}"));
        return view.GetProperty("eventCount").GetInt64();
    }

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string reason)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(reason, JsonDocument.Parse(body).RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Accepts_one_event_and_normalises_its_type_and_tracking_parameters()
    {
        var customer = TestEvents.NewId("http-norm");
        var response = await engine.PostJson("/v1/events",
            Event("n1", customer, "Email Opened", ""","channel":"email","properties":{"utm_source":"  NewsLetter "}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await engine.Json(response);
        Assert.Equal(1, body.GetProperty("accepted").GetInt32());
        var view = await engine.Json(await engine.Http.GetAsync($"/v1/customers/{customer}"));
        Assert.Equal(1, view.GetProperty("channels").GetProperty("email").GetProperty("opened").GetInt64());
    }

    [Fact]
    public async Task Answers_with_its_length_rather_than_in_chunks_so_one_send_carries_a_single_events_answer()
    {
        var response = await engine.PostJson("/v1/events", Event("len1", TestEvents.NewId("http-length")));

        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.Equal(1, JsonDocument.Parse(body).RootElement.GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task Single_events_sent_together_are_each_answered_for_their_own_event_and_applied_to_their_own_customer()
    {
        // Single-event requests that arrive together go to their grains in one burst; each answer must still be its own.
        var customers = Enumerable.Range(0, 64).Select(i => TestEvents.NewId($"http-burst-{i}")).ToArray();

        var answers = await Task.WhenAll(customers.Select(async (customer, i) =>
        {
            var response = await engine.PostJson("/v1/events", Event($"burst-{i}", customer, "identify", $$""","traits":{"seat":"{{i}}"}"""));
            return (Status: response.StatusCode, Body: await engine.Json(response));
        }));

        for (var i = 0; i < customers.Length; i++)
        {
            Assert.Equal(HttpStatusCode.OK, answers[i].Status);
            var result = answers[i].Body.GetProperty("results")[0];
            Assert.Equal($"burst-{i}", result.GetProperty("eventId").GetString());
            Assert.Equal("accepted", result.GetProperty("status").GetString());
            var view = await engine.Json(await engine.Http.GetAsync($"/v1/customers/{customers[i]}"));
            Assert.Equal(1, view.GetProperty("eventCount").GetInt64());
            Assert.Equal($"{i}", view.GetProperty("traits").GetProperty("seat").GetString());
        }
    }

    [Fact]
    public async Task Gives_each_event_of_a_batch_its_own_result_and_a_bad_event_does_not_sink_the_good_ones()
    {
        var customer = TestEvents.NewId("http-batch");
        var batch = $"[{Event("b1", customer)},{Event("b2", customer, "teleported")},{{\"customerId\":\"{customer}\",\"type\":\"page_view\"}},{Event("b1", customer)},{Event("b3", customer, "add-to-cart")}]";

        var response = await engine.PostJson("/v1/events", batch);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await engine.Json(response)).GetProperty("results").EnumerateArray()
            .Select(r => (r.GetProperty("status").GetString(), r.TryGetProperty("reason", out var why) ? why.GetString() : null)).ToArray();
        Assert.Equal([("accepted", null), ("rejected", "unknown_event_type"), ("rejected", "missing_event_id"), ("duplicate", null), ("accepted", null)], results);
        Assert.Equal(2, await EventCountOf(customer));
    }

    [Fact]
    public async Task Accepts_the_events_envelope_form()
    {
        var customer = TestEvents.NewId("http-envelope");
        var response = await engine.PostJson("/v1/events", $"{{\"events\":[{Event("v1", customer)},{Event("v2", customer)}]}}");
        Assert.Equal(2, (await engine.Json(response)).GetProperty("accepted").GetInt32());
    }

    public static TheoryData<string, string, HttpStatusCode, string> BadInputs(string customer)
    {
        var future = DateTimeOffset.UtcNow.AddDays(2).ToString("O");
        return new()
        {
            { "malformed JSON", "{\"eventId\": \"x\", ", HttpStatusCode.BadRequest, "invalid_json" },
            { "missing event id", $"{{\"customerId\":\"{customer}\",\"type\":\"page_view\"}}", HttpStatusCode.UnprocessableEntity, "missing_event_id" },
            { "missing customer id", "{\"eventId\":\"m2\",\"type\":\"page_view\"}", HttpStatusCode.UnprocessableEntity, "missing_customer_id" },
            { "unknown type in strict mode", Event("m3", customer, "teleported"), HttpStatusCode.UnprocessableEntity, "unknown_event_type" },
            { "timestamp far in the future", Event("m4", customer, extra: $",\"timestamp\":\"{future}\""), HttpStatusCode.UnprocessableEntity, "timestamp_in_future" },
            { "timestamp far in the past", Event("m5", customer, extra: ",\"timestamp\":\"1970-01-01T00:00:00Z\""), HttpStatusCode.UnprocessableEntity, "timestamp_too_old" },
            { "huge property value", Event("m6", customer, extra: $",\"properties\":{{\"note\":\"{new string('x', 10_000)}\"}}"), HttpStatusCode.UnprocessableEntity, "property_too_large" },
            { "negative revenue", Event("m7", customer, "purchase", ",\"value\":-5"), HttpStatusCode.UnprocessableEntity, "invalid_value" },
            { "a JSON string instead of an event", "\"page_view\"", HttpStatusCode.BadRequest, "invalid_json" },
            { "an empty batch", "[]", HttpStatusCode.BadRequest, "empty_batch" },
            { "10,000 events in one batch", "[" + string.Join(",", Enumerable.Range(0, 10_000).Select(i => Event($"k{i}", customer))) + "]", HttpStatusCode.RequestEntityTooLarge, "batch_too_large" },
            { "a body over 1 MiB", Event("m8", customer, extra: $",\"properties\":{{\"a\":\"{new string('y', 1_100_000)}\"}}"), HttpStatusCode.RequestEntityTooLarge, "payload_too_large" },
        };
    }

    [Fact]
    public async Task Answers_every_bad_input_with_a_clear_4xx_and_harms_nothing_stored()
    {
        var customer = TestEvents.NewId("http-bad");
        await engine.PostJson("/v1/events", Event("good-1", customer));
        Assert.Equal(1, await EventCountOf(customer));

        foreach (var row in BadInputs(customer))
        {
            var (name, body, status, reason) = ((string)row[0], (string)row[1], (HttpStatusCode)row[2], (string)row[3]);
            var response = await engine.PostJson("/v1/events", body);
            try
            {
                await AssertProblem(response, status, reason);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"{name}: {e.Message}");
            }
        }

        Assert.Equal(1, await EventCountOf(customer));
    }

    [Fact]
    public async Task Refuses_a_body_that_is_not_declared_as_JSON()
    {
        var response = await engine.Http.PostAsync("/v1/events", new StringContent(Event("ct", "c"), Encoding.UTF8, "text/plain"));
        await AssertProblem(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task Serves_its_OpenAPI_document()
    {
        var doc = await engine.Json(await engine.Http.GetAsync("/openapi/v1.json"));
        var paths = doc.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/v1/events", out _));
        Assert.True(paths.TryGetProperty("/v1/campaigns/{id}/budget", out _));
        Assert.True(paths.TryGetProperty("/v1/customers/{id}/next-best-action", out _));
    }
}
