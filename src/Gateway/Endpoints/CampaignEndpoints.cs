using MarketingActors.Campaigns;
using MarketingActors.Gateway.Governance;
using MarketingActors.Governance;

namespace MarketingActors.Gateway.Endpoints;

/// <summary>What campaign owners use: define, budget, activate and pause campaigns, and read their state.</summary>
public static class CampaignEndpoints
{
    public static void MapCampaignEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/campaigns").WithTags("Campaigns");

        group.MapPost("/", async (HttpContext context, HttpRequest request, IGrainFactory grains) =>
        {
            var (definition, error) = await JsonBody.Read<CampaignDefinition>(request, GatewayJson.Options);
            if (error is not null) return error;
            if (!CampaignIds.IsValid(definition!.Id))
                return Problems.Of(400, "invalid_campaign", "id: " + CampaignIds.Rule, ["id: " + CampaignIds.Rule]);
            return await GovernedChanges.Submit(context, grains, new CampaignChange { Kind = ChangeKinds.Create, CampaignId = definition.Id, Definition = definition }, creates: true);
        }).WithName("CreateCampaign").Produces<CampaignDefinition>(201).ProducesProblem(400).ProducesProblem(409);

        group.MapGet("/", async (IGrainFactory grains) =>
            Results.Ok((await grains.GetGrain<ICampaignCatalogGrain>(0).GetSnapshot()).Campaigns))
            .WithName("ListCampaigns").Produces<CampaignDefinition[]>();

        group.MapGet("/{id}", async (string id, IGrainFactory grains) =>
            !CampaignIds.IsValid(id) ? NotFound(id)
            : await grains.GetGrain<ICampaignGrain>(id).Get() is { } c ? Results.Ok(c) : NotFound(id))
            .WithName("GetCampaign").Produces<CampaignDefinition>().ProducesProblem(404);

        group.MapPut("/{id}", async (string id, HttpContext context, HttpRequest request, IGrainFactory grains) =>
        {
            if (!CampaignIds.IsValid(id)) return NotFound(id);
            var (definition, error) = await JsonBody.Read<CampaignDefinition>(request, GatewayJson.Options);
            if (error is not null) return error;
            return await GovernedChanges.Submit(context, grains, new CampaignChange { Kind = ChangeKinds.Update, CampaignId = id, Definition = definition! with { Id = id } });
        }).WithName("UpdateCampaign").Produces<CampaignDefinition>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);

        group.MapPut("/{id}/budget", async (string id, HttpContext context, HttpRequest request, IGrainFactory grains) =>
        {
            if (!CampaignIds.IsValid(id)) return NotFound(id);
            var (budget, error) = await JsonBody.Read<BudgetEnvelope>(request, GatewayJson.Options);
            if (error is not null) return error;
            return await GovernedChanges.Submit(context, grains, new CampaignChange { Kind = ChangeKinds.SetBudget, CampaignId = id, Budget = budget });
        }).WithName("SetBudget").Produces<CampaignDefinition>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);

        foreach (var (verb, kind) in new[] { ("activate", ChangeKinds.Activate), ("pause", ChangeKinds.Pause), ("complete", ChangeKinds.Complete) })
        {
            group.MapPost($"/{{id}}/{verb}", async (string id, HttpContext context, IGrainFactory grains) =>
                !CampaignIds.IsValid(id) ? NotFound(id) : await GovernedChanges.Submit(context, grains, new CampaignChange { Kind = kind, CampaignId = id }))
                .WithName($"{char.ToUpperInvariant(verb[0])}{verb[1..]}Campaign").Produces<CampaignDefinition>().ProducesProblem(404).ProducesProblem(409);
        }

        group.MapGet("/{id}/state", async (string id, IGrainFactory grains) =>
            !CampaignIds.IsValid(id) ? NotFound(id)
            : await grains.GetGrain<ICampaignGrain>(id).GetState() is { } s ? Results.Ok(s) : NotFound(id))
            .WithName("GetCampaignState").Produces<CampaignState>().ProducesProblem(404);
        group.MapGet("/{id}/audience", async (string id, IGrainFactory grains) =>
            !CampaignIds.IsValid(id) ? NotFound(id)
            : await grains.GetGrain<ICampaignGrain>(id).GetState() is { } s ? Results.Ok(s.Audience) : NotFound(id))
            .WithName("GetCampaignAudience")
            .WithSummary("Customers matching the audience rules, and of them those with marketing consent on the campaign's channels (counted as customers change, while the campaign is active).")
            .Produces<AudienceCount>().ProducesProblem(404);
    }

    internal static IResult Refusal(CampaignCommandResult result)
    {
        var status = result.ErrorReason switch
        {
            "campaign_not_found" => 404,
            "invalid_campaign" => 400,
            _ => 409,
        };
        return Problems.Of(status, result.ErrorReason!, string.Join("; ", result.Errors), result.Errors);
    }

    private static IResult NotFound(string id) => Problems.Of(404, "campaign_not_found", $"no campaign '{id}'");
}
