using System.Text.Json;
using MarketingActors.Events;
using MarketingActors.Gateway.Governance;
using MarketingActors.Gateway.Ingestion;
using MarketingActors.Governance;
using Microsoft.Extensions.Options;

namespace MarketingActors.Gateway.Endpoints;

/// <summary>
/// The answer to POST /v1/events: counts, and one result per event in request order. An event is
/// applied exactly when its result says accepted; a failed one was not applied and may be re-sent.
/// </summary>
public sealed record IngestResponse(int Accepted, int Duplicates, int Rejected, EventResult[] Results)
{
    /// <summary>Events the engine could not take right now (the answer is then 503): not applied, safe to send again.</summary>
    public int Failed { get; init; }
    /// <summary>Set on a non-2xx answer: why, machine-readable.</summary>
    public string? Reason { get; init; }
}

public static class EventEndpoints
{
    /// <summary>A duplicate key anywhere in a batch makes it ambiguous: refused whole (400), never resolved by taking the last value.</summary>
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = GatewayJson.MaxDepth, AllowDuplicateProperties = false };

    public static void MapEventEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/events", Ingest)
            .WithName("IngestEvents")
            .WithSummary("Ingest one event or a batch (array, or {\"events\": [...]}); answers with each event's result and the decisions it caused.")
            .Accepts<JsonElement>("application/json")
            .Produces<IngestResponse>()
            .ProducesProblem(400).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422).ProducesProblem(503)
            .RequireAccess(Operations.WriteEvents);

        app.MapPost("/v1/noop", async (HttpRequest request) =>
            {
                await request.Body.CopyToAsync(Stream.Null);
                return Results.Ok(new { ok = true });
            })
            .WithName("NoOp")
            .WithSummary("Reads the body and answers: the ceiling of this HTTP stack, for benchmarks.")
            .RequireAccess(Operations.WriteEvents);
    }

    private static async Task<IResult> Ingest(HttpRequest request, CustomerGrainReferences customers, EventParser parser, IOptions<TrackingPlanOptions> plan, ILoggerFactory loggers)
    {
        var options = plan.Value;
        var (body, error) = await JsonBody.ReadBytes(request, options.MaxBodyBytes);
        if (error is not null) return error;

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException e)
        {
            return JsonBody.Invalid(e.Message);
        }
        catch (InvalidOperationException)
        {
            // Checking for duplicate keys decodes every property name, and an unpaired surrogate in one cannot be decoded.
            return JsonBody.InvalidText("a property name is not valid Unicode text (an unpaired surrogate)");
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

            var results = await Dispatch(customers, parsed, loggers.CreateLogger(typeof(EventEndpoints)));
            var failed = results.Count(r => r.Status == EventStatus.Failed);
            var response = new IngestResponse(
                results.Count(r => r.Status == EventStatus.Accepted),
                results.Count(r => r.Status == EventStatus.Duplicate),
                results.Count(r => r.Status == EventStatus.Rejected),
                results) { Failed = failed, Reason = failed > 0 ? Unavailable : null };
            // Some events could not be taken: 503 so the sender retries; the results say which were applied, and a retry of all is idempotent.
            return failed > 0
                ? new Utf8JsonAnswer<IngestResponse>(response, GatewayJsonContext.Default.IngestResponse, StatusCodes.Status503ServiceUnavailable, TimeSpan.FromSeconds(1))
                : new Utf8JsonAnswer<IngestResponse>(response, GatewayJsonContext.Default.IngestResponse);
        }
    }

    private const string Unavailable = "engine_unavailable";

    /// <summary>
    /// Events go to their customer grains in request order per customer, customers in parallel.
    /// A customer whose grain could not take its events gets them back as failed (not applied);
    /// the other customers' events stand, so every result is true of what is stored.
    /// </summary>
    private static async Task<EventResult[]> Dispatch(CustomerGrainReferences customers, ParsedEvent[] parsed, ILogger logger)
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
            try
            {
                var answers = await customers.Of(group.Key).Ingest(events);
                for (var k = 0; k < answers.Length; k++) results[group.Value[k]] = answers[k];
            }
            catch (Exception e) when (e is JournalUnavailableException or TimeoutException or OrleansException or OperationCanceledException)
            {
                logger.LogWarning("Customer grain did not take {Count} events ({Reason}); answered as failed", events.Length, e.Message);
                foreach (var i in group.Value) results[i] = EventResult.Failed(parsed[i].EventId, Unavailable);
            }
        }));
        return results;
    }
}
