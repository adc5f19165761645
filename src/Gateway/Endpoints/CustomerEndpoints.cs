using MarketingActors.Customers;
using MarketingActors.Decisions;
using MarketingActors.Gateway.Governance;
using MarketingActors.Governance;

namespace MarketingActors.Gateway.Endpoints;

public static class CustomerEndpoints
{
    public const int MaxIdLength = 128;

    public static void MapCustomerEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/customers").WithTags("Customers");

        group.MapGet("/{id}", async (string id, IGrainFactory grains) =>
            id.Length > MaxIdLength ? Problems.Of(400, "id_too_long", $"customer ids are at most {MaxIdLength} characters")
            : Results.Ok(await grains.GetGrain<ICustomerGrain>(id).GetView()))
            .WithName("GetCustomer").WithSummary("Profile, features, scores, journeys and recent decisions.")
            .Produces<CustomerView>().ProducesProblem(400).RequireAccess(Operations.ManageCustomerData);

        group.MapGet("/{id}/next-best-action", async (string id, string? placement, IGrainFactory grains) =>
        {
            if (id.Length > MaxIdLength) return Problems.Of(400, "id_too_long", $"customer ids are at most {MaxIdLength} characters");
            if (string.IsNullOrWhiteSpace(placement) || placement.Length > MaxIdLength)
                return Problems.Of(400, "missing_placement", "pass ?placement=<slot>, e.g. home_hero");
            var decision = await grains.GetGrain<ICustomerGrain>(id).NextBestAction(placement.Trim().ToLowerInvariant());
            return decision is null
                ? Problems.Of(404, "no_campaign_for_placement", $"no active campaign has an action for placement '{placement}'")
                : Results.Ok(decision);
        }).WithName("NextBestAction").WithSummary("On-site personalization: the best action for a placement now, with its explanation.")
            .Produces<Decision>().ProducesProblem(400).ProducesProblem(404).RequireAccess(Operations.WriteEvents);
    }
}
