using System.Net;
using System.Text.Json;
using MarketingActors.Campaigns;
using MarketingActors.Governance;
using MarketingActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MarketingActors.Tests.Gateway.Agents;

/// <summary>
/// The engine's own budget agent on campaigns whose holdout measurement a seeded simulator
/// writes into the campaign grains: it moves budget toward clearly higher incremental ROI within
/// its policy, waits for approval beyond it, leaves equal campaigns alone, and is off until enabled.
/// </summary>
/// <remarks>Its own engine: the active campaigns it creates would otherwise decide on other specs' product views.</remarks>
public sealed class BudgetAgentSpec(EmbeddedEngine engine) : IClassFixture<EmbeddedEngine>
{
    private IGrainFactory Grains => engine.App.Services.GetRequiredService<IGrainFactory>();

    /// <summary>A $100 campaign with its holdout measurement, that spent <paramref name="spent"/> today (through a silo's lease, as deliveries do).</summary>
    private async Task<string> Measured(string prefix, RoiSimulator simulator, double treatedRate, double holdoutRate, decimal spent = 20m)
    {
        var campaign = await engine.Created(SampleCampaigns.SpringSale(TestEvents.NewId(prefix), total: 100m));
        var grain = Grains.GetGrain<ICampaignGrain>(campaign.Id);
        await grain.ReportTallies(new TallyReport
        {
            CampaignId = campaign.Id, Holder = "simulator", Sequence = 1,
            Measurements = simulator.Tallies(20_000, 5_000, treatedRate, holdoutRate, value: 50m, costPerDecision: 0.001m),
        });
        var lease = await grain.AcquireLease("simulator", spent);
        Assert.Equal(spent, lease.Amount);
        await grain.ReportLeases(new LeaseReport
        {
            CampaignId = campaign.Id, Holder = "simulator", Sequence = 1, Leases = [new LeaseUsage { LeaseId = lease.LeaseId, Confirmed = spent, Closing = true }],
        });
        return campaign.Id;
    }

    private async Task Policy(decimal maxChangePerDay, params string[] campaigns) =>
        Assert.Equal(HttpStatusCode.OK, (await engine.Http.Put("/v1/agents/budget-agent/policy",
            new AgentPolicy { AllowedOperations = [Operations.ShiftBudget], Campaigns = campaigns, MaxBudgetChangePerDay = maxChangePerDay })).StatusCode);

    private async Task<JsonElement> Run(string group, bool enabled, params string[] campaigns)
    {
        Assert.Equal(HttpStatusCode.OK, (await engine.Http.Put($"/v1/budget-agent/{group}", new { campaigns, enabled, every = "01:00:00" })).StatusCode);
        return await engine.Http.PostAsync($"/v1/budget-agent/{group}/run", null).Body();
    }

    [Fact]
    public async Task Budget_moves_toward_the_clearly_better_campaign_within_the_agents_limits_and_is_audited_with_its_rationale()
    {
        var simulator = new RoiSimulator(seed: 5);
        var strong = await Measured("agent-strong", simulator, 0.03, 0.01);
        var weak = await Measured("agent-weak", simulator, 0.011, 0.01);
        var group = TestEvents.NewId("group");
        await Policy(50m, strong, weak);

        Assert.Equal("disabled", (await Run(group, enabled: false, strong, weak)).GetProperty("outcome").GetString());
        Assert.Equal(100m, (await engine.Campaign(strong)).Budget.Total);

        var run = await Run(group, enabled: true, strong, weak);

        Assert.Equal(("moved", weak, strong, 8m), (run.GetProperty("outcome").GetString(), run.GetProperty("from").GetString(), run.GetProperty("to").GetString(), run.GetProperty("amount").GetDecimal()));
        Assert.Equal((108m, 92m), ((await engine.Campaign(strong)).Budget.Total, (await engine.Campaign(weak)).Budget.Total));
        var audit = await engine.Http.GetStringAsync($"/v1/audit?principal=budget-agent&kind=agent&limit=20");
        Assert.Contains("do not overlap", audit);
        Assert.Contains(weak, audit);
        var history = await engine.Http.GetAsync($"/v1/budget-agent/{group}").Body();
        Assert.Equal("moved", history.GetProperty("runs")[0].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task A_move_beyond_the_agents_limit_waits_for_approval_and_changes_nothing()
    {
        var simulator = new RoiSimulator(seed: 6);
        var strong = await Measured("limit-strong", simulator, 0.03, 0.01);
        var weak = await Measured("limit-weak", simulator, 0.011, 0.01);
        await Policy(5m, strong, weak);

        var run = await Run(TestEvents.NewId("group"), enabled: true, strong, weak);

        Assert.Equal("pending_approval", run.GetProperty("outcome").GetString());
        var approval = run.GetProperty("approvalId").GetString()!;
        Assert.Equal("pending", (await engine.Http.GetAsync($"/v1/approvals/{approval}").Body()).GetProperty("status").GetString());
        Assert.Equal((100m, 100m), ((await engine.Campaign(strong)).Budget.Total, (await engine.Campaign(weak)).Budget.Total));
    }

    [Fact]
    public async Task Equal_campaigns_do_not_move()
    {
        var simulator = new RoiSimulator(seed: 8);
        var a = await Measured("equal-a", simulator, 0.02, 0.01);
        var b = await Measured("equal-b", simulator, 0.02, 0.01);
        await Policy(50m, a, b);

        var run = await Run(TestEvents.NewId("group"), enabled: true, a, b);

        Assert.Equal("no_clear_difference", run.GetProperty("outcome").GetString());
        Assert.Equal((100m, 100m), ((await engine.Campaign(a)).Budget.Total, (await engine.Campaign(b)).Budget.Total));
    }

    [Fact]
    public async Task A_clearly_better_campaign_that_does_not_spend_its_budget_receives_none_and_the_look_is_audited_with_why()
    {
        var simulator = new RoiSimulator(seed: 9);
        var idle = await Measured("idle-strong", simulator, 0.03, 0.01, spent: 1m);
        var weak = await Measured("idle-weak", simulator, 0.011, 0.01);
        await Policy(50m, idle, weak);

        var run = await Run(TestEvents.NewId("group"), enabled: true, idle, weak);

        Assert.Equal("not_short_of_budget", run.GetProperty("outcome").GetString());
        Assert.Contains("lasts 99 days", run.GetProperty("rationale").GetString());
        Assert.Equal((100m, 100m), ((await engine.Campaign(idle)).Budget.Total, (await engine.Campaign(weak)).Budget.Total));
        Assert.Contains(idle, await engine.Http.GetStringAsync($"/v1/audit?principal=budget-agent&kind=agent&limit=50"));
    }
}
