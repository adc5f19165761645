using MarketingActors.Campaigns;
using MarketingActors.Gateway.Governance;
using MarketingActors.Governance;

namespace MarketingActors.Gateway.Endpoints;

/// <summary>Sizing an audience rule before a campaign uses it.</summary>
public static class AudienceEndpoints
{
    public static void MapAudienceEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/audiences").WithTags("Audiences");
        group.MapPost("/estimate", EstimateAudience).WithName("EstimateAudience")
            .WithSummary("How many live customers an audience rule matches (and reaches on a channel): a census up to MarketingActors:Measurement:AudienceSampleSize customers, a uniform sample with 95% intervals beyond.")
            .Accepts<AudienceQuery>("application/json").Produces<AudienceEstimate>().ProducesProblem(400).ProducesProblem(422)
            .RequireAccess(Operations.ReadPerformance);
    }

    private static async Task<IResult> EstimateAudience(HttpContext context, IGrainFactory grains)
    {
        var (query, error) = await JsonBody.Read<AudienceQuery>(context.Request);
        if (error is not null) return error;
        var answer = await Estimate(grains, query!);
        return answer.Estimate is { } estimate ? Results.Ok(estimate)
            : Problems.Of(422, AudienceEstimateAnswer.InvalidReason, string.Join("; ", answer.Errors), answer.Errors);
    }

    /// <summary>The estimate for <paramref name="query"/>; a missing rule is one of its problems.</summary>
    public static Task<AudienceEstimateAnswer> Estimate(IGrainFactory grains, AudienceQuery query) =>
        query.Rule is { } rule
            ? grains.GetGrain<IAudienceEstimatorGrain>(0).Estimate(rule, query.Channel)
            : Task.FromResult(new AudienceEstimateAnswer { Errors = ["rule: required (an audience rule, as in a campaign's audience)"] });
}
