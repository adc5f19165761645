using MarketingActors.Decisions;
using MarketingActors.Events;
using Microsoft.OpenApi;

namespace MarketingActors.Gateway.Endpoints;

/// <summary>
/// How much of a decision an answer carries. By default what the caller acts on: the action (or
/// why none), scores, propensity, holdout draw, delivery terms. With <c>?explain=true</c> also every
/// candidate's verdict, which the audit keeps for every decision either way
/// (<c>GET /v1/audit/explain</c>): the verdicts were half of a decided batch's answer bytes and a
/// seventh of its CPU (docs/benchmarks-history.md, 2026-12-06 seventh session).
/// </summary>
public static class DecisionDetail
{
    public const string Explain = "explain";

    /// <summary>The <c>explain</c> query flag: absent or false, or true; anything else is a 400 that says so.</summary>
    public static (bool Explain, IResult? Error) Read(HttpRequest request)
    {
        if (!request.Query.TryGetValue(Explain, out var values)) return (false, null);
        if (values.Count == 1 && bool.TryParse(values[0], out var explain)) return (explain, null);
        return (false, Problems.Of(StatusCodes.Status400BadRequest, "invalid_explain", "explain is true or false, given once"));
    }

    /// <summary>Declares the flag in the API description (it is read by <see cref="Read"/>, which names a bad value).</summary>
    public static TBuilder AcceptsExplain<TBuilder>(this TBuilder endpoint) where TBuilder : IEndpointConventionBuilder =>
        endpoint.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = Explain, In = ParameterLocation.Query, Required = false, Schema = new OpenApiSchema { Type = JsonSchemaType.Boolean },
                Description = "true: each decision also carries every candidate's verdict (the audit keeps them either way).",
            });
            return Task.CompletedTask;
        });

    public static Decision For(Decision decision, bool explain) => explain || decision.Candidates is null ? decision : decision with { Candidates = null };

    /// <summary>In place: the array is the gateway's own (<see cref="Ingestion.EventIngestion.Dispatch"/> builds it per request); the results in it are replaced, not changed.</summary>
    public static EventResult[] For(EventResult[] results, bool explain)
    {
        if (explain) return results;
        for (var i = 0; i < results.Length; i++)
        {
            if (results[i].Decisions.Length > 0) results[i] = results[i] with { Decisions = Array.ConvertAll(results[i].Decisions, d => For(d, explain: false)) };
        }
        return results;
    }
}
