using System.Text.Json;
using MarketingActors.Events;
using MarketingActors.Gateway.Endpoints;

namespace MarketingActors.Gateway.Ingestion;

/// <summary>One element of a request, parsed, with what the quarantine needs to read it again.</summary>
public readonly record struct IncomingEvent(ParsedEvent Parsed, JsonElement Raw, string Dialect, DateTimeOffset? SentAt);

/// <summary>
/// The path every dialect shares once its events are parsed: rejections counted and quarantined,
/// the rest dispatched to their customers, one answer. Nothing is lost silently: a request of
/// which nothing was taken answers 400 with each event's reason (the SDKs then report failure
/// and do not retry a permanent error); a partly rejected one answers 200 with per-event results;
/// events the engine could not take now answer 503 (retried).
/// </summary>
public sealed class EventIngestion(CustomerGrainReferences customers, SingleEventBurst burst, RejectedEvents rejected, ILogger<EventIngestion> logger)
{
    // Bound once: a method group passed per request would allocate its delegate on every request.
    private readonly Func<string, MarketingEvent[], Task<EventResult[]>> _inBurst = burst.Ingest;
    private readonly Func<string, MarketingEvent[], Task<EventResult[]>> _direct = customers.Ingest;

    public const string Unavailable = "engine_unavailable";
    public const string AllRejected = "all_events_rejected";

    public async Task<IResult> Answer(IncomingEvent[] incoming, string source, bool explain)
    {
        foreach (var e in incoming)
        {
            if (e.Parsed.Event is null) rejected.Hold(source, e.Dialect, e.Raw, e.Parsed, e.SentAt);
        }
        var results = DecisionDetail.For(await Dispatch([.. incoming.Select(e => e.Parsed)]), explain);
        var failed = results.Count(r => r.Status == EventStatus.Failed);
        var accepted = results.Count(r => r.Status == EventStatus.Accepted);
        var duplicates = results.Count(r => r.Status == EventStatus.Duplicate);
        var refused = results.Count(r => r.Status == EventStatus.Rejected);
        var nothingTaken = accepted + duplicates + failed == 0;
        var response = new IngestResponse(accepted, duplicates, refused, results)
        {
            Failed = failed,
            Reason = failed > 0 ? Unavailable : nothingTaken ? AllRejected : null,
        };
        // Some events could not be taken: 503 so the sender retries; the results say which were applied, and a retry of all is idempotent.
        if (failed > 0) return new Utf8JsonAnswer<IngestResponse>(response, GatewayJsonContext.Default.IngestResponse, StatusCodes.Status503ServiceUnavailable, TimeSpan.FromSeconds(1));
        return nothingTaken
            ? new Utf8JsonAnswer<IngestResponse>(response, GatewayJsonContext.Default.IngestResponse, StatusCodes.Status400BadRequest)
            : new Utf8JsonAnswer<IngestResponse>(response, GatewayJsonContext.Default.IngestResponse);
    }

    /// <summary>
    /// Events go to their customer grains in request order per customer, customers in parallel.
    /// A customer whose grain could not take its events gets them back as failed (not applied);
    /// the other customers' events stand, so every result is true of what is stored.
    /// </summary>
    public async Task<EventResult[]> Dispatch(ParsedEvent[] parsed)
    {
        var results = new EventResult[parsed.Length];
        // One event (every single-event request): no grouping, no fan-out; its grain call goes with the other single events waiting.
        if (parsed is [{ Event: { } only }])
        {
            await IngestAt(only.CustomerId, [0], parsed, results, _inBurst);
            return results;
        }
        var byCustomer = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        // An id repeated within one request is one event, whichever customer it names.
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
        await Task.WhenAll(byCustomer.Select(group => IngestAt(group.Key, group.Value, parsed, results, _direct)));
        return results;
    }

    /// <summary>One customer's events of the request, at <paramref name="indexes"/>, to its grain through <paramref name="send"/>; their results written at the same places.</summary>
    private async Task IngestAt(string customerId, List<int> indexes, ParsedEvent[] parsed, EventResult[] results, Func<string, MarketingEvent[], Task<EventResult[]>> send)
    {
        var events = new MarketingEvent[indexes.Count];
        for (var k = 0; k < events.Length; k++) events[k] = parsed[indexes[k]].Event!;
        try
        {
            var answers = await send(customerId, events);
            for (var k = 0; k < answers.Length; k++) results[indexes[k]] = answers[k];
        }
        catch (Exception e) when (e is JournalUnavailableException or TimeoutException or OrleansException or OperationCanceledException)
        {
            logger.LogWarning("Customer grain did not take {Count} events ({Reason}); answered as failed", events.Length, e.Message);
            foreach (var i in indexes) results[i] = EventResult.Failed(parsed[i].EventId, Unavailable);
        }
    }
}
