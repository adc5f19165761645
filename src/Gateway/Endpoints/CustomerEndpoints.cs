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

        group.MapGet("/{id}", GetCustomer)
            .WithName("GetCustomer").WithSummary("Profile, features, scores, journeys and recent decisions; 404 for a customer the engine never saw (or erased).")
            .Produces<CustomerView>().ProducesProblem(400).ProducesProblem(404).RequireAccess(Operations.ManageCustomerData);

        group.MapGet("/{id}/next-best-action", async (string id, string? placement, HttpRequest request, IGrainFactory grains) =>
        {
            if (InvalidId(id) is { } invalid) return invalid;
            var (explain, badFlag) = DecisionDetail.Read(request);
            if (badFlag is not null) return badFlag;
            if (string.IsNullOrWhiteSpace(placement) || placement.Length > MaxIdLength)
                return Problems.Of(400, "missing_placement", "pass ?placement=<slot>, e.g. home_hero");
            var decision = await grains.GetGrain<ICustomerGrain>(id).NextBestAction(placement.Trim().ToLowerInvariant());
            return decision is null
                ? Problems.Of(404, "no_campaign_for_placement", $"no active campaign has an action for placement '{placement}'")
                : Results.Ok(DecisionDetail.For(decision, explain));
        }).WithName("NextBestAction").WithSummary("On-site personalization: the best action for a placement now (?explain=true adds every candidate's verdict).")
            .Produces<Decision>().ProducesProblem(400).ProducesProblem(404).AcceptsExplain().RequireAccess(Operations.WriteEvents);
    }

    /// <summary>A customer id a grain can be keyed by: printable, not blank, at most <see cref="MaxIdLength"/> characters; otherwise the 400 that says why.</summary>
    public static IResult? InvalidId(string? id) =>
        RequestText.IsValidId(id, MaxIdLength) ? null
        : id is { Length: > MaxIdLength } ? Problems.Of(400, "id_too_long", $"customer ids are at most {MaxIdLength} characters")
        : Problems.Of(400, "invalid_customer_id", $"customer ids are {RequestText.IdRule(MaxIdLength)}");

    private static async Task<IResult> GetCustomer(string id, IGrainFactory grains)
    {
        if (InvalidId(id) is { } invalid) return invalid;
        var view = await grains.GetGrain<ICustomerGrain>(id).GetView();
        // An empty profile for an id nobody sent would hide lost events: say it is unknown instead.
        return view.EventCount == 0 && view.MergedInto is null && view.MergedFrom.Length == 0
            ? Problems.Of(404, "unknown_customer", $"the engine has no events for customer '{id}'")
            : Results.Ok(view);
    }
}
