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

        group.MapPost("/", CreateCampaign).WithName("CreateCampaign").WithSummary("Creates a draft campaign: validated (journey compiled, bounds checked) before it is stored.").Accepts<CampaignDefinition>("application/json").RequireChangeGate(CampaignFrom.None, Operations.CreateCampaign)
            .Produces<CampaignDefinition>(201).ProducesProblem(400).ProducesProblem(409).ProducesProblem(422);
        group.MapGet("/", ListCampaigns).WithName("ListCampaigns").RequireAccess(Operations.ReadPerformance)
            .WithSummary("The campaigns this key reaches (all for admins and readers).").Produces<CampaignDefinition[]>().ProducesProblem(401);
        group.MapGet("/{id}", GetCampaign).WithName("GetCampaign").WithSummary("One campaign's definition.").RequireAccess(Operations.ReadPerformance, CampaignFrom.Route)
            .Produces<CampaignDefinition>().ProducesProblem(404);
        group.MapPut("/{id}", UpdateCampaign).WithName("UpdateCampaign").WithSummary("Replaces a campaign's definition (status and version stay); through the change gate.").Accepts<CampaignDefinition>("application/json")
            .RequireChangeGate(CampaignFrom.Route, Operations.UpdateCampaign, Operations.ChangeAudience, Operations.CreateVariant)
            .Produces<CampaignDefinition>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);
        group.MapPut("/{id}/budget", SetBudget).WithName("SetBudget").WithSummary("Sets the budget envelope (total, daily, currency); never below what is already committed.").Accepts<BudgetEnvelope>("application/json").RequireChangeGate(CampaignFrom.Route, Operations.ShiftBudget)
            .Produces<CampaignDefinition>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);
        group.MapPost("/{id}/activate", (string id, HttpContext context, IGrainFactory grains) => ChangeStatus(id, ChangeKinds.Activate, context, grains))
            .WithName("ActivateCampaign").WithSummary("Starts deciding for the campaign.").RequireChangeGate(CampaignFrom.Route, Operations.Activate).Produces<CampaignDefinition>().ProducesProblem(404).ProducesProblem(409);
        group.MapPost("/{id}/pause", (string id, HttpContext context, IGrainFactory grains) => ChangeStatus(id, ChangeKinds.Pause, context, grains))
            .WithName("PauseCampaign").WithSummary("Stops deciding for the campaign; journeys wait.").RequireChangeGate(CampaignFrom.Route, Operations.Pause).Produces<CampaignDefinition>().ProducesProblem(404).ProducesProblem(409);
        group.MapPost("/{id}/complete", (string id, HttpContext context, IGrainFactory grains) => ChangeStatus(id, ChangeKinds.Complete, context, grains))
            .WithName("CompleteCampaign").WithSummary("Ends the campaign for good; its leases are returned.").RequireChangeGate(CampaignFrom.Route, Operations.Complete).Produces<CampaignDefinition>().ProducesProblem(404).ProducesProblem(409);
        group.MapGet("/{id}/state", GetState).WithName("GetCampaignState").WithSummary("Budget, tallies, variant evidence and audience of a campaign, as its grain holds them.").RequireAccess(Operations.ReadPerformance, CampaignFrom.Route)
            .Produces<CampaignState>().ProducesProblem(404);
        group.MapGet("/{id}/audience", GetAudience).WithName("GetCampaignAudience").RequireAccess(Operations.ReadPerformance, CampaignFrom.Route)
            .WithSummary("Customers matching the audience rules, and of them those with marketing consent on the campaign's channels (counted as customers change, while the campaign is active).")
            .Produces<AudienceCount>().ProducesProblem(404);
    }

    private static async Task<IResult> CreateCampaign(HttpContext context, IGrainFactory grains)
    {
        var (definition, error) = await JsonBody.Read<CampaignDefinition>(context.Request);
        if (error is not null) return error;
        if (!CampaignIds.IsValid(definition!.Id))
            return Problems.Of(422, "invalid_campaign", "id: " + CampaignIds.Rule, ["id: " + CampaignIds.Rule]);
        return await GovernedChanges.Submit(context, grains, new CampaignChange { Kind = ChangeKinds.Create, CampaignId = definition.Id, Definition = definition }, creates: true);
    }

    private static async Task<IResult> ListCampaigns(HttpContext context, IGrainFactory grains)
    {
        var scope = context.AccessScope();
        var all = (await grains.GetGrain<ICampaignCatalogGrain>(0).GetSnapshot()).Campaigns;
        return Results.Ok(all.Where(c => scope.Covers(c.Id)).ToArray());
    }

    private static async Task<IResult> GetCampaign(string id, IGrainFactory grains) =>
        !CampaignIds.IsValid(id) ? NotFound(id)
        : await grains.GetGrain<ICampaignGrain>(id).Get() is { } c ? Results.Ok(c) : NotFound(id);

    private static async Task<IResult> UpdateCampaign(string id, HttpContext context, IGrainFactory grains)
    {
        if (!CampaignIds.IsValid(id)) return NotFound(id);
        var (definition, error) = await JsonBody.Read<CampaignDefinition>(context.Request);
        if (error is not null) return error;
        return await GovernedChanges.Submit(context, grains, new CampaignChange { Kind = ChangeKinds.Update, CampaignId = id, Definition = definition! with { Id = id } });
    }

    private static async Task<IResult> SetBudget(string id, HttpContext context, IGrainFactory grains)
    {
        if (!CampaignIds.IsValid(id)) return NotFound(id);
        var (budget, error) = await JsonBody.Read<BudgetEnvelope>(context.Request);
        if (error is not null) return error;
        return await GovernedChanges.Submit(context, grains, new CampaignChange { Kind = ChangeKinds.SetBudget, CampaignId = id, Budget = budget });
    }

    private static async Task<IResult> ChangeStatus(string id, string kind, HttpContext context, IGrainFactory grains) =>
        !CampaignIds.IsValid(id) ? NotFound(id) : await GovernedChanges.Submit(context, grains, new CampaignChange { Kind = kind, CampaignId = id });

    private static async Task<IResult> GetState(string id, IGrainFactory grains) =>
        !CampaignIds.IsValid(id) ? NotFound(id)
        : await grains.GetGrain<ICampaignGrain>(id).GetState() is { } s ? Results.Ok(s) : NotFound(id);

    private static async Task<IResult> GetAudience(string id, IGrainFactory grains) =>
        !CampaignIds.IsValid(id) ? NotFound(id)
        : await grains.GetGrain<ICampaignGrain>(id).GetState() is { } s ? Results.Ok(s.Audience) : NotFound(id);

    internal static IResult Refusal(CampaignCommandResult result)
    {
        var status = result.ErrorReason switch
        {
            "campaign_not_found" => 404,
            // Read and typed, but its content is refused: every problem is listed in errors.
            "invalid_campaign" or "invalid_change" => 422,
            _ => 409,
        };
        return Problems.Of(status, result.ErrorReason!, string.Join("; ", result.Errors), result.Errors);
    }

    private static IResult NotFound(string id) => Problems.Of(404, "campaign_not_found", $"no campaign '{id}'");
}
