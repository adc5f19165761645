using System.Text;
using System.Text.Json;
using MarketingActors.Events;
using MarketingActors.Gateway.Endpoints;
using MarketingActors.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace MarketingActors.Tests.Gateway.Endpoints;

public sealed class Utf8JsonAnswerSpec
{
    [Fact]
    public async Task Writes_the_generated_json_of_the_value_as_a_200_json_answer_with_its_length()
    {
        var results = Enumerable.Range(0, 600)
            .Select(i => new EventResult { EventId = "e" + i, Status = EventStatus.Accepted, Decisions = [SampleDecisions.With("v" + i, i / 600.0, 0.01m, heldOut: i % 7 == 0)] })
            .ToArray();
        var answer = new IngestResponse(600, 0, 0, results);
        var http = new DefaultHttpContext();
        var body = new MemoryStream();
        http.Response.Body = body;

        await new Utf8JsonAnswer<IngestResponse>(answer, GatewayJsonContext.Default.IngestResponse).ExecuteAsync(http);

        Assert.Equal(200, http.Response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", http.Response.ContentType);
        Assert.Equal(JsonSerializer.Serialize(answer, GatewayJson.Options), Encoding.UTF8.GetString(body.ToArray()));
        Assert.Equal(body.Length, http.Response.ContentLength);
    }
}
