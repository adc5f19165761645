using MarketingActors.Agents;
using MarketingActors.Gateway.Endpoints;
using MarketingActors.Gateway.Governance;
using MarketingActors.Governance;

namespace MarketingActors.Gateway.Agents;

/// <summary>The engine's own budget agent, per campaign group: configured and switched on by admins, read by anyone who reads performance.</summary>
public static class BudgetAgentEndpoints
{
    public static void MapBudgetAgentEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/budget-agent").WithTags("Agents");
        group.MapPut("/{group}", Configure).WithName("ConfigureBudgetAgent").RequireAccess(Operations.ManageAccess)
            .WithSummary("Sets a campaign group's budget agent (campaigns, enabled, every, stepPercent, maxStep, minDecisionsPerArm). Its limits are the agent policy of 'budget-agent'. Audited.")
            .Accepts<BudgetAgentGroup>("application/json").Produces<BudgetAgentGroup>().ProducesProblem(400).ProducesProblem(422);
        group.MapGet("/{group}", Get).WithName("GetBudgetAgent").RequireAccess(Operations.ReadPerformance)
            .WithSummary("A group's budget agent: its configuration and its latest runs with their rationale.").Produces<BudgetAgentView>().ProducesProblem(404);
        group.MapPost("/{group}/run", Run).WithName("RunBudgetAgent").RequireAccess(Operations.ManageAccess)
            .WithSummary("Makes the group's budget agent look now instead of at its next scheduled time.").Produces<BudgetAgentRun>().ProducesProblem(404);
    }

    private static async Task<IResult> Configure(string group, HttpContext context, IGrainFactory grains)
    {
        if (!Campaigns.CampaignIds.IsValid(group)) return Problems.Of(400, "invalid_group", "group: " + Campaigns.CampaignIds.Rule);
        var (body, error) = await JsonBody.Read<BudgetAgentGroup>(context.Request, 64 * 1024);
        if (error is not null) return error;
        var result = await grains.GetGrain<IBudgetAgentGrain>(group).Configure(context.Principal(), body!);
        return result.Succeeded ? Results.Ok(result.Value) : Problems.Of(422, result.ErrorReason!, string.Join("; ", result.Errors), result.Errors);
    }

    private static async Task<IResult> Get(string group, IGrainFactory grains)
    {
        var agent = grains.GetGrain<IBudgetAgentGrain>(group);
        return Campaigns.CampaignIds.IsValid(group) && await agent.Get() is { } config
            ? Results.Ok(new BudgetAgentView(config, await agent.History()))
            : Problems.Of(404, "budget_agent_not_found", $"no budget agent for group '{group}'");
    }

    private static async Task<IResult> Run(string group, IGrainFactory grains)
    {
        var agent = grains.GetGrain<IBudgetAgentGrain>(group);
        return Campaigns.CampaignIds.IsValid(group) && await agent.Get() is not null
            ? Results.Ok(await agent.RunNow())
            : Problems.Of(404, "budget_agent_not_found", $"no budget agent for group '{group}'");
    }
}

public sealed record BudgetAgentView(BudgetAgentGroup Group, BudgetAgentRun[] Runs);
