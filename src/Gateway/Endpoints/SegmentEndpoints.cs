using System.Text.Json;
using MarketingActors.Gateway.Governance;
using MarketingActors.Gateway.Ingestion;
using MarketingActors.Governance;
using Microsoft.Extensions.Options;

namespace MarketingActors.Gateway.Endpoints;

/// <summary>
/// The Segment HTTP Tracking API, as @segment/analytics-node and @rudderstack/rudder-sdk-node
/// speak it: /v1/batch and the single-message routes, a write key by Basic auth (key as user
/// name), Bearer or writeKey in the body, JSON plain or gzip-compressed under the content types
/// those SDKs send. Messages go through the same ingestion as /v1/events.
/// </summary>
public static class SegmentEndpoints
{
    private static readonly string[] MessageRoutes = ["track", "identify", "page", "screen", "group", "alias"];

    public static void MapSegmentEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Analytics SDKs (Segment / RudderStack)");
        group.MapPost("/batch", Batch)
            .WithName("SegmentBatch")
            .WithSummary("A Segment / RudderStack batch: {\"batch\": [messages], \"sentAt\": …}; each message a track, identify, page, screen, group or alias.")
            .Accepts<JsonElement>("application/json", "text/plain", "application/x-www-form-urlencoded")
            .Produces<IngestResponse>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(413).ProducesProblem(415).ProducesProblem(503)
            .AcceptsWriteKeyInBody()
            .AcceptsExplain()
            .RequireAccess(Operations.WriteEvents);
        foreach (var route in MessageRoutes)
        {
            group.MapPost("/" + route, (HttpRequest request, EventParser parser, EventIngestion ingestion, IngestionAdmission admission, IOptions<TrackingPlanOptions> plan) => Single(request, route, parser, ingestion, admission, plan))
                .WithName("Segment" + char.ToUpperInvariant(route[0]) + route[1..])
                .WithSummary($"One Segment / RudderStack {route} message.")
                .Accepts<JsonElement>("application/json", "text/plain", "application/x-www-form-urlencoded")
                .Produces<IngestResponse>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(413).ProducesProblem(415).ProducesProblem(503)
                .AcceptsWriteKeyInBody()
                .AcceptsExplain()
                .RequireAccess(Operations.WriteEvents);
        }
    }

    private static async Task<IResult> Batch(HttpRequest request, EventParser parser, EventIngestion ingestion, IngestionAdmission admission, IOptions<TrackingPlanOptions> plan)
    {
        if (admission.RefuseWhileFull() is { } full) return full;
        var (explain, badFlag) = DecisionDetail.Read(request);
        if (badFlag is not null) return badFlag;
        var (document, error) = await Document(request, plan.Value);
        if (error is not null) return error;
        using (document)
        {
            var root = document!.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("batch", out var batch) || batch.ValueKind != JsonValueKind.Array)
                return JsonBody.Invalid("send {\"batch\": [messages]}");
            var count = batch.GetArrayLength();
            if (EventEndpoints.TooMany(count, plan.Value) is { } refused) return refused;
            if (EventParser.TimestampOf(root, "sentAt", out var sentAt) is { } badSentAt) return Problems.Of(StatusCodes.Status400BadRequest, "invalid_timestamp", badSentAt);
            if (await admission.Admit(request.HttpContext, count) is { } busy) return busy;
            var incoming = batch.EnumerateArray().Select(m => new IncomingEvent(parser.ParseSegment(m, null, sentAt), m, Dialect(null), sentAt)).ToArray();
            return await ingestion.Answer(incoming, request.HttpContext.Principal().Id, explain);
        }
    }

    private static async Task<IResult> Single(HttpRequest request, string route, EventParser parser, EventIngestion ingestion, IngestionAdmission admission, IOptions<TrackingPlanOptions> plan)
    {
        if (admission.RefuseWhileFull() is { } full) return full;
        var (explain, badFlag) = DecisionDetail.Read(request);
        if (badFlag is not null) return badFlag;
        var (document, error) = await Document(request, plan.Value);
        if (error is not null) return error;
        using (document)
        {
            if (await admission.Admit(request.HttpContext, 1) is { } busy) return busy;
            var message = document!.RootElement;
            return await ingestion.Answer([new IncomingEvent(parser.ParseSegment(message, route, null), message, Dialect(route), null)], request.HttpContext.Principal().Id, explain);
        }
    }

    /// <summary>How the quarantine records a Segment message: with the route's message type when the route gave it.</summary>
    public static string Dialect(string? route) => route is null ? "segment" : "segment:" + route;

    private static async Task<(JsonDocument? Document, IResult? Error)> Document(HttpRequest request, TrackingPlanOptions options)
    {
        var (body, error) = await SdkBody.ReadJson(request, options.MaxBodyBytes);
        return error is not null ? (null, error) : EventEndpoints.ParseDocument(body!);
    }
}
