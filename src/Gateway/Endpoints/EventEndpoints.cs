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
            .WithName("IngestEvents").WithTags("Events")
            .WithSummary("Ingest one event or a batch (array, or {\"events\": [...]}); answers with each event's result and the decisions it caused (?explain=true adds every candidate's verdict).")
            .Accepts<JsonElement>("application/json")
            .Produces<IngestResponse>()
            .ProducesProblem(400).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422).ProducesProblem(503)
            .AcceptsExplain()
            .RequireAccess(Operations.WriteEvents);

        app.MapPost("/v1/noop", async (HttpRequest request) =>
            {
                await request.Body.CopyToAsync(Stream.Null);
                return Results.Ok(new { ok = true });
            })
            .WithName("NoOp").WithTags("Operations")
            .WithSummary("Reads the body and answers: the ceiling of this HTTP stack, for benchmarks.")
            .RequireAccess(Operations.WriteEvents);
    }

    private static async Task<IResult> Ingest(HttpRequest request, EventParser parser, EventIngestion ingestion, IngestionAdmission admission, IOptions<TrackingPlanOptions> plan)
    {
        if (admission.RefuseWhileFull() is { } full) return full;
        var (explain, badFlag) = DecisionDetail.Read(request);
        if (badFlag is not null) return badFlag;
        var options = plan.Value;
        var (body, error) = await JsonBody.ReadBytes(request, options.MaxBodyBytes);
        if (error is not null) return error;
        var (document, invalid) = ParseDocument(body!);
        if (invalid is not null) return invalid;
        using (document)
        {
            var root = document!.RootElement;
            var single = root.ValueKind == JsonValueKind.Object && !root.TryGetProperty("events", out _);
            JsonElement? items = root.ValueKind switch
            {
                JsonValueKind.Array => root,
                JsonValueKind.Object when root.TryGetProperty("events", out var events) && events.ValueKind == JsonValueKind.Array => events,
                _ => null,
            };
            if (!single && items is null) return JsonBody.Invalid("send an event object, an array of events, or {\"events\": [...]}");
            var count = single ? 1 : items!.Value.GetArrayLength();
            if (TooMany(count, options) is { } refused) return refused;
            if (await admission.Admit(request.HttpContext, count) is { } busy) return busy;

            var incoming = single
                ? [new IncomingEvent(parser.Parse(root), root, Native, null)]
                : items!.Value.EnumerateArray().Select(e => new IncomingEvent(parser.Parse(e), e, Native, null)).ToArray();
            if (single && incoming[0].Parsed.Reason is { } reason)
            {
                await ingestion.Answer(incoming, request.HttpContext.Principal().Id, explain);
                return Problems.Of(StatusCodes.Status422UnprocessableEntity, reason, incoming[0].Parsed.Detail ?? reason);
            }
            return await ingestion.Answer(incoming, request.HttpContext.Principal().Id, explain);
        }
    }

    /// <summary>The engine's own dialect, as the quarantine records it.</summary>
    public const string Native = "native";

    /// <summary>A duplicate key anywhere in a batch makes it ambiguous: refused whole (400), never resolved by taking the last value.</summary>
    public static (JsonDocument? Document, IResult? Error) ParseDocument(byte[] body)
    {
        try
        {
            return (JsonDocument.Parse(body, DocumentOptions), null);
        }
        catch (JsonException e)
        {
            return (null, JsonBody.Invalid(e.Message));
        }
        catch (InvalidOperationException)
        {
            // Checking for duplicate keys decodes every property name, and an unpaired surrogate in one cannot be decoded.
            return (null, JsonBody.InvalidText("a property name is not valid Unicode text (an unpaired surrogate)"));
        }
    }

    public static IResult? TooMany(int count, TrackingPlanOptions options) =>
        count == 0 ? Problems.Of(StatusCodes.Status400BadRequest, "empty_batch", "the batch holds no events")
        : count > options.MaxBatchEvents ? Problems.Of(StatusCodes.Status413PayloadTooLarge, "batch_too_large", $"at most {options.MaxBatchEvents} events per request, got {count}")
        : null;
}
