using System.Text.Json;
using MarketingActors.Customers;
using MarketingActors.Events;
using MarketingActors.Gateway.Ingestion;
using Microsoft.Extensions.Options;

namespace MarketingActors.Gateway.Endpoints;

/// <summary>The answer to POST /v1/events: counts, and one result per event in request order.</summary>
public sealed record IngestResponse(int Accepted, int Duplicates, int Rejected, EventResult[] Results);

public static class EventEndpoints
{
    public static void MapEventEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/events", Ingest)
            .WithName("IngestEvents")
            .WithSummary("Ingest one event or a batch (array, or {\"events\": [...]}); answers with each event's result and the decisions it caused.")
            .Accepts<JsonElement>("application/json")
            .Produces<IngestResponse>()
            .ProducesProblem(400).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422).ProducesProblem(503);

        app.MapPost("/v1/noop", async (HttpRequest request) =>
            {
                await request.Body.CopyToAsync(Stream.Null);
                return Results.Ok(new { ok = true });
            })
            .WithName("NoOp")
            .WithSummary("Reads the body and answers: the ceiling of this HTTP stack, for benchmarks.");
    }

    private static async Task<IResult> Ingest(HttpRequest request, CustomerGrainReferences customers, EventParser parser, IOptions<TrackingPlanOptions> plan)
    {
        var options = plan.Value;
        var (body, error) = await JsonBody.ReadBytes(request, options.MaxBodyBytes);
        if (error is not null) return error;

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            return JsonBody.Invalid(e.Message);
        }
        using (document)
        {
            var root = document.RootElement;
            var single = root.ValueKind == JsonValueKind.Object && !root.TryGetProperty("events", out _);
            JsonElement.ArrayEnumerator? items = root.ValueKind switch
            {
                JsonValueKind.Array => root.EnumerateArray(),
                JsonValueKind.Object when root.TryGetProperty("events", out var events) && events.ValueKind == JsonValueKind.Array => events.EnumerateArray(),
                _ => null,
            };
            if (!single && items is null) return JsonBody.Invalid("send an event object, an array of events, or {\"events\": [...]}");

            var count = single ? 1 : root.ValueKind == JsonValueKind.Array ? root.GetArrayLength() : root.GetProperty("events").GetArrayLength();
            if (count == 0) return Problems.Of(StatusCodes.Status400BadRequest, "empty_batch", "the batch holds no events");
            if (count > options.MaxBatchEvents)
                return Problems.Of(StatusCodes.Status413PayloadTooLarge, "batch_too_large", $"at most {options.MaxBatchEvents} events per request, got {count}");

            var parsed = single ? [parser.Parse(root)] : items!.Value.Select(parser.Parse).ToArray();
            if (single && parsed[0].Reason is { } reason)
                return Problems.Of(StatusCodes.Status422UnprocessableEntity, reason, parsed[0].Detail ?? reason);

            EventResult[] results;
            try
            {
                results = await Dispatch(customers, parsed);
            }
            catch (Exception e) when (e is JournalUnavailableException or TimeoutException or OrleansException or OperationCanceledException)
            {
                // Nothing was acknowledged: the client may safely retry the whole request (event ids make it idempotent).
                return Problems.Unavailable(e.Message);
            }
            return new Utf8JsonAnswer<IngestResponse>(new IngestResponse(
                results.Count(r => r.Status == EventStatus.Accepted),
                results.Count(r => r.Status == EventStatus.Duplicate),
                results.Count(r => r.Status == EventStatus.Rejected),
                results), GatewayJsonContext.Default.IngestResponse);
        }
    }

    /// <summary>Events go to their customer grains in request order per customer, customers in parallel.</summary>
    private static async Task<EventResult[]> Dispatch(CustomerGrainReferences customers, ParsedEvent[] parsed)
    {
        var results = new EventResult[parsed.Length];
        var byCustomer = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var seenIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < parsed.Length; i++)
        {
            var p = parsed[i];
            if (p.Event is null)
            {
                results[i] = EventResult.Rejected(p.EventId, p.Reason!);
                continue;
            }
            if (!seenIds.Add(p.EventId))
            {
                results[i] = EventResult.Duplicate(p.EventId);
                continue;
            }
            if (!byCustomer.TryGetValue(p.Event.CustomerId, out var indexes)) byCustomer[p.Event.CustomerId] = indexes = [];
            indexes.Add(i);
        }
        await Task.WhenAll(byCustomer.Select(async group =>
        {
            var events = group.Value.Select(i => parsed[i].Event!).ToArray();
            var answers = await customers.Of(group.Key).Ingest(events);
            for (var k = 0; k < answers.Length; k++) results[group.Value[k]] = answers[k];
        }));
        return results;
    }
}
