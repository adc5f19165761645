using MarketingActors.Campaigns;

namespace MarketingActors.Gateway.Endpoints;

/// <summary>What campaign owners use: define, budget, activate and pause campaigns, and read their state.</summary>
public static class CampaignEndpoints
{
    public static void MapCampaignEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/campaigns").WithTags("Campaigns");

        group.MapPost("/", async (HttpRequest request, IGrainFactory grains) =>
        {
            var (definition, error) = await JsonBody.Read<CampaignDefinition>(request, GatewayJson.Options);
            if (error is not null) return error;
            if (!CampaignIds.IsValid(definition!.Id))
                return Problems.Of(400, "invalid_campaign", "id: " + CampaignIds.Rule, ["id: " + CampaignIds.Rule]);
            var result = await grains.GetGrain<ICampaignGrain>(definition.Id).Create(definition);
            return result.Succeeded ? Results.Created($"/v1/campaigns/{definition.Id}", result.Campaign) : Refusal(result);
        }).WithName("CreateCampaign").Produces<CampaignDefinition>(201).ProducesProblem(400).ProducesProblem(409);

        group.MapGet("/", async (IGrainFactory grains) =>
            Results.Ok((await grains.GetGrain<ICampaignCatalogGrain>(0).GetSnapshot()).Campaigns))
            .WithName("ListCampaigns").Produces<CampaignDefinition[]>();

        group.MapGet("/{id}", async (string id, IGrainFactory grains) =>
            !CampaignIds.IsValid(id) ? NotFound(id)
            : await grains.GetGrain<ICampaignGrain>(id).Get() is { } c ? Results.Ok(c) : NotFound(id))
            .WithName("GetCampaign").Produces<CampaignDefinition>().ProducesProblem(404);

        group.MapPut("/{id}", async (string id, HttpRequest request, IGrainFactory grains) =>
        {
            if (!CampaignIds.IsValid(id)) return NotFound(id);
            var (definition, error) = await JsonBody.Read<CampaignDefinition>(request, GatewayJson.Options);
            if (error is not null) return error;
            return Answer(await grains.GetGrain<ICampaignGrain>(id).Update(definition! with { Id = id }));
        }).WithName("UpdateCampaign").Produces<CampaignDefinition>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);

        group.MapPut("/{id}/budget", async (string id, HttpRequest request, IGrainFactory grains) =>
        {
            if (!CampaignIds.IsValid(id)) return NotFound(id);
            var (budget, error) = await JsonBody.Read<BudgetEnvelope>(request, GatewayJson.Options);
            if (error is not null) return error;
            return Answer(await grains.GetGrain<ICampaignGrain>(id).SetBudget(budget!));
        }).WithName("SetBudget").Produces<CampaignDefinition>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);

        foreach (var (verb, status) in new[] { ("activate", CampaignStatus.Active), ("pause", CampaignStatus.Paused), ("complete", CampaignStatus.Completed) })
        {
            group.MapPost($"/{{id}}/{verb}", async (string id, IGrainFactory grains) =>
                !CampaignIds.IsValid(id) ? NotFound(id) : Answer(await grains.GetGrain<ICampaignGrain>(id).ChangeStatus(status)))
                .WithName($"{char.ToUpperInvariant(verb[0])}{verb[1..]}Campaign").Produces<CampaignDefinition>().ProducesProblem(404).ProducesProblem(409);
        }

        group.MapGet("/{id}/state", async (string id, IGrainFactory grains) =>
            !CampaignIds.IsValid(id) ? NotFound(id)
            : await grains.GetGrain<ICampaignGrain>(id).GetState() is { } s ? Results.Ok(s) : NotFound(id))
            .WithName("GetCampaignState").Produces<CampaignState>().ProducesProblem(404);
    }

    private static IResult Answer(CampaignCommandResult result) => result.Succeeded ? Results.Ok(result.Campaign) : Refusal(result);

    private static IResult Refusal(CampaignCommandResult result)
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
