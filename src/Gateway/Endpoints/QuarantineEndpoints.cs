using System.Text.Json;
using MarketingActors.Events;
using MarketingActors.Gateway.Governance;
using MarketingActors.Gateway.Ingestion;
using MarketingActors.Governance;
using MarketingActors.Ingestion;

namespace MarketingActors.Gateway.Endpoints;

/// <summary>What an operator asks to replay: given ids, or everything matching a reason and/or source key.</summary>
public sealed record ReplayRequest
{
    public long[]? Ids { get; init; }
    public string? Reason { get; init; }
    public string? Source { get; init; }
    public int Limit { get; init; } = 1000;
}

/// <summary>A replay's outcome: taken events left the quarantine; those refused again stay with their new reason.</summary>
public sealed record ReplayResponse(int Replayed, int Accepted, int Duplicates, int StillRejected, int Failed, EventResult[] Results);

/// <summary>
/// The quarantine of rejected events: listed with filters, replayed after the tracking plan is
/// fixed. A replayed event is applied once: taken ones leave the quarantine, and the customer's
/// event-id dedup answers any later copy as a duplicate. Raw events hold customer data, hence the
/// customer-data permission for both.
/// </summary>
public static class QuarantineEndpoints
{
    public static void MapQuarantineEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/quarantine").WithTags("Quarantine");
        group.MapGet("/", List)
            .WithName("ListQuarantine").WithSummary("Rejected events, newest first, with their reason and source key; filter with ?reason= and ?source=.")
            .Produces<QuarantinePage>().ProducesProblem(400).RequireAccess(Operations.ManageCustomerData);
        group.MapPost("/replay", Replay)
            .WithName("ReplayQuarantine").WithSummary("Parses held events again with the current tracking plan and applies those it now accepts, once.")
            .Accepts<ReplayRequest>("application/json")
            .Produces<ReplayResponse>().ProducesProblem(400).RequireAccess(Operations.ManageCustomerData);
    }

    private static async Task<IResult> List(string? reason, string? source, int? limit, IGrainFactory grains, RejectedEvents rejected)
    {
        if (limit is < 1 or > 1000) return Problems.Of(StatusCodes.Status400BadRequest, "invalid_limit", "limit is between 1 and 1000");
        await rejected.Flush();
        return Results.Ok(await grains.GetGrain<IQuarantineGrain>(0).List(reason, source, limit ?? 100));
    }

    private static async Task<IResult> Replay(HttpRequest request, IGrainFactory grains, RejectedEvents rejected, EventParser parser, EventIngestion ingestion)
    {
        var (ask, error) = await JsonBody.Read<ReplayRequest>(request);
        if (error is not null) return error;
        if (ask!.Limit is < 1 or > 10_000) return Problems.Of(StatusCodes.Status400BadRequest, "invalid_limit", "limit is between 1 and 10000");
        await rejected.Flush();
        var quarantine = grains.GetGrain<IQuarantineGrain>(0);
        var held = await quarantine.Select(ask.Ids, ask.Reason, ask.Source, ask.Limit);
        var parsed = held.Select(Reparse).ToArray();
        var results = await ingestion.Dispatch(parsed);
        var taken = held.Where((_, i) => results[i].Status is EventStatus.Accepted or EventStatus.Duplicate).Select(h => h.Id).ToArray();
        var refusedAgain = held.Select((h, i) => (h, p: parsed[i])).Where(x => x.p.Event is null).Select(x => x.h with { Reason = x.p.Reason!, Detail = x.p.Detail }).ToArray();
        await quarantine.Settle(taken, refusedAgain);
        return Results.Ok(new ReplayResponse(held.Length,
            results.Count(r => r.Status == EventStatus.Accepted), results.Count(r => r.Status == EventStatus.Duplicate),
            refusedAgain.Length, results.Count(r => r.Status == EventStatus.Failed), results));

        ParsedEvent Reparse(QuarantinedEvent e)
        {
            using var document = JsonDocument.Parse(e.Raw);
            var raw = document.RootElement;
            return e.Dialect == EventEndpoints.Native ? parser.Parse(raw)
                : parser.ParseSegment(raw, e.Dialect.StartsWith("segment:", StringComparison.Ordinal) ? e.Dialect["segment:".Length..] : null, e.SentAt);
        }
    }
}
