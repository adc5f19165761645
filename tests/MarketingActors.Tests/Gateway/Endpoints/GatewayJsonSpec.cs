using System.Text.Json;
using CsCheck;
using MarketingActors.Events;
using MarketingActors.Gateway.Endpoints;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Gateway.Endpoints;

public sealed class GatewayJsonSpec
{
    private static IngestResponse ResponseWith(string text, double score, decimal cost, bool heldOut) => new(1, 1, 1,
    [
        new EventResult
        {
            EventId = "e1", Status = EventStatus.Accepted, Triggers = ["likely_to_convert"],
            Decisions = [SampleDecisions.With(text, score, cost, heldOut), SampleDecisions.With(text + "2", score / 2, cost, !heldOut)],
        },
        EventResult.Duplicate("e1"),
        EventResult.Rejected(text, "unknown_event_type"),
    ]);

    [Fact]
    public void The_ingestion_answer_is_written_as_the_api_serializer_writes_it()
    {
        var response = ResponseWith("banner <b>&'\"é☕", 0.123456, 0.05m, heldOut: false);
        var json = JsonSerializer.Serialize(response, GatewayJsonContext.Default.IngestResponse);
        Assert.Equal(JsonSerializer.Serialize(response, GatewayJson.Options), json);
        Assert.Contains("\"status\":\"duplicate\"", json);
    }

    [Fact]
    public void Any_ingestion_answer_is_written_as_the_api_serializer_writes_it() =>
        Gen.Select(Gen.String, Gen.Double[-1e9, 1e9], Gen.Decimal, Gen.Bool).Sample((text, score, cost, heldOut) =>
        {
            var response = ResponseWith(text, score, cost, heldOut);
            return JsonSerializer.Serialize(response, GatewayJsonContext.Default.IngestResponse) == JsonSerializer.Serialize(response, GatewayJson.Options);
        });
}
