using System.Net;
using System.Text.Json;
using MarketingActors.Campaigns;
using MarketingActors.Governance;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Gateway.Governance;

[Collection(EmbeddedEngineCollection.Name)]
public sealed class AgentLimitsSpec(EmbeddedEngine engine)
{
    private static AgentPolicy PolicyFor(string campaign) => new()
    {
        AllowedOperations = [Operations.ShiftBudget, Operations.Pause, Operations.CreateVariant, Operations.ChangeAudience],
        Campaigns = [campaign],
        Channels = ["email"],
        Segments = ["vip"],
        MaxBudgetChangePerDay = 30,
        MaxBudgetChangePercentPerDay = 20,
    };

    [Fact]
    public async Task An_agent_key_attempts_every_forbidden_operation_and_every_over_limit_change_and_none_is_applied()
    {
        var scoped = await engine.Created(SampleCampaigns.SpringSale(TestEvents.NewId("agent-a"), total: 100m, daily: 10m));
        var other = await engine.Created(SampleCampaigns.SpringSale(TestEvents.NewId("agent-b"), total: 100m));
        var agentId = TestEvents.NewId("bot");
        using var agent = await engine.AgentWith(agentId, PolicyFor(scoped.Id));
        var a = $"/v1/campaigns/{scoped.Id}";
        var segmentAll = new AudienceRule { All = [new RuleCondition { Field = "trait.segment", Op = "eq", Value = "everyone" }] };

        var forbidden = new (string What, Func<Task<HttpResponseMessage>> Call, string Reason)[]
        {
            ("create campaign", () => agent.Post("/v1/campaigns", SampleCampaigns.SpringSale(TestEvents.NewId("bot-new"))), "forbidden_operation"),
            ("activate", () => agent.PostAsync($"{a}/activate", null), "forbidden_operation"),
            ("complete", () => agent.PostAsync($"{a}/complete", null), "forbidden_operation"),
            ("rename", () => agent.Put(a, scoped with { Name = "agent was here" }), "forbidden_operation"),
            ("edit an existing variant", () => agent.Put(a, scoped with { Actions = [scoped.Actions[0] with { Variant = "90% off" }, .. scoped.Actions[1..]] }), "forbidden_operation"),
            ("variant and budget in one update", () => agent.Put(a, scoped with { Budget = scoped.Budget with { Total = 101 }, Actions = [.. scoped.Actions, new ActionOption { Id = "e2", Channel = "email", Variant = "v" }] }), "forbidden_operation"),
            ("variant on a channel outside the policy", () => agent.Put(a, scoped with { Actions = [.. scoped.Actions, new ActionOption { Id = "sms-1", Channel = "sms", Variant = "hi" }] }), "channel_out_of_scope"),
            ("budget of another campaign", () => agent.Put($"/v1/campaigns/{other.Id}/budget", other.Budget with { Total = 101 }), "campaign_out_of_scope"),
            ("pause another campaign", () => agent.PostAsync($"/v1/campaigns/{other.Id}/pause", null), "campaign_out_of_scope"),
            ("read performance (not granted)", () => agent.GetAsync($"{a}/state"), "forbidden_operation"),
            ("create a key", () => agent.Post("/v1/keys", new KeyRequest { PrincipalId = "x", Role = Roles.Admin }), "forbidden_operation"),
            ("widen its own policy", () => agent.Put($"/v1/agents/{agentId}/policy", PolicyFor(other.Id)), "forbidden_operation"),
            ("pull the kill switch", () => agent.Post("/v1/kill-switch", new { engaged = true }), "forbidden_operation"),
            ("approve anything", () => agent.PostAsync("/v1/approvals/apr-x/approve", null), "forbidden_operation"),
            ("erase a customer", () => agent.DeleteAsync("/v1/customers/someone"), "forbidden_operation"),
            ("read the audit log", () => agent.GetAsync("/v1/audit"), "forbidden_operation"),
        };
        foreach (var (what, call, reason) in forbidden)
        {
            var (status, actual) = await call().Outcome();
            Assert.True((status, actual) == (HttpStatusCode.Forbidden, reason), $"{what}: got {(int)status} {actual}, expected 403 {reason}");
        }

        // 50 % in one go, and then (after an allowed 15 %) another 15 %: each beyond the 20 %/day limit, so queued, not applied.
        var queued = await agent.Put($"{a}/budget", scoped.Budget with { Total = 150 }).Body();
        Assert.Equal(("pending_approval", "over_budget_limit"), (queued.GetProperty("status").GetString(), queued.GetProperty("reason").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await agent.Put($"{a}/budget", scoped.Budget with { Total = 115 })).StatusCode);
        Assert.Equal((HttpStatusCode.Accepted, "over_budget_limit"), await agent.Put($"{a}/budget", scoped.Budget with { Total = 130 }).Outcome());

        // Audiences not provably inside "vip" (another segment, an any clause that lets everyone in, neq vip) and a raised
        // daily cap with the total untouched: all beyond the policy's limits, so queued, not applied.
        var current = await engine.Campaign(scoped.Id);
        var widenings = new (string What, Func<Task<HttpResponseMessage>> Call, string Reason)[]
        {
            ("audience outside the segments", () => agent.Put(a, current with { Audience = segmentAll }), "segment_out_of_scope"),
            ("audience widened by any", () => agent.Put(a, current with { Audience = new AudienceRule { Any = [new RuleCondition { Field = "trait.segment", Op = "eq", Value = "vip" }, new RuleCondition { Field = "likelihood", Op = "gte", Value = "0" }] } }), "segment_out_of_scope"),
            ("audience of exactly the non-vip", () => agent.Put(a, current with { Audience = new AudienceRule { All = [new RuleCondition { Field = "trait.segment", Op = "neq", Value = "vip" }] } }), "segment_out_of_scope"),
            ("daily cap raised 10 → 109, total untouched", () => agent.Put($"{a}/budget", current.Budget with { Daily = 109 }), "over_budget_limit"),
        };
        foreach (var (what, call, reason) in widenings)
        {
            var (status, actual) = await call().Outcome();
            Assert.True((status, actual) == (HttpStatusCode.Accepted, reason), $"{what}: got {(int)status} {actual}, expected 202 {reason}");
        }

        var after = await engine.Campaign(scoped.Id);
        Assert.Equal((115m, scoped.Version + 1), (after.Budget.Total, after.Version));
        Assert.Equal(10m, after.Budget.Daily);
        Assert.Equal(scoped.Name, after.Name);
        Assert.Equal(scoped.Actions.Length, after.Actions.Length);
        Assert.Null(after.Audience);
        Assert.Equal(CampaignStatus.Active, after.Status);
        var untouched = await engine.Campaign(other.Id);
        Assert.Equal((other.Version, CampaignStatus.Active, 100m), (untouched.Version, untouched.Status, untouched.Budget.Total));

        var pending = await engine.Http.GetAsync($"/v1/approvals?status=pending&campaignId={scoped.Id}").Body();
        Assert.Equal(2 + widenings.Length, pending.GetArrayLength());
        Assert.All(pending.EnumerateArray(), p => Assert.Equal(agentId, p.GetProperty("requestedBy").GetProperty("id").GetString()));

        // The one applied change is audited with who, what, before and after; each of the fourteen refused writes is audited too.
        var audit = await engine.Http.GetAsync($"/v1/audit?principal={agentId}").Body();
        var change = audit.EnumerateArray().Single(e => e.GetProperty("kind").GetString() == AuditKinds.Change);
        Assert.Equal(Operations.ShiftBudget, change.GetProperty("operation").GetString());
        var payload = JsonDocument.Parse(change.GetProperty("payload").GetString()!).RootElement;
        Assert.Equal((100m, 115m), (payload.GetProperty("before").GetProperty("budget").GetProperty("total").GetDecimal(),
            payload.GetProperty("after").GetProperty("budget").GetProperty("total").GetDecimal()));
        Assert.True(audit.EnumerateArray().Count(e => e.GetProperty("kind").GetString() == AuditKinds.Refusal) >= 14);
    }

    [Fact]
    public async Task Changes_within_the_policy_apply_and_an_agent_variant_waits_for_review()
    {
        var scoped = await engine.Created(SampleCampaigns.SpringSale(TestEvents.NewId("agent-ok"), total: 100m));
        using var agent = await engine.AgentWith(TestEvents.NewId("bot"), PolicyFor(scoped.Id));
        var a = $"/v1/campaigns/{scoped.Id}";
        var vip = new AudienceRule { All = [new RuleCondition { Field = "trait.segment", Op = "eq", Value = "vip" }] };

        Assert.Equal(HttpStatusCode.OK, (await agent.Put(a, scoped with { Audience = vip })).StatusCode);
        var withAudience = await engine.Campaign(scoped.Id);
        var variant = await agent.Put(a, withAudience with { Actions = [.. withAudience.Actions, new ActionOption { Id = "email-v2", Channel = "email", Variant = "new copy" }] });
        Assert.Equal(HttpStatusCode.OK, variant.StatusCode);
        var approvalId = Assert.Single(variant.Headers.GetValues("X-Pending-Approvals"));
        Assert.Equal(HttpStatusCode.OK, (await agent.PostAsync($"{a}/pause", null)).StatusCode);

        var after = await engine.Campaign(scoped.Id);
        Assert.Equal(CampaignStatus.Paused, after.Status);
        var created = after.Actions.Single(x => x.Id == "email-v2");
        Assert.True(created.AgentCreated);
        Assert.Null(created.Approval);
        var approval = await engine.Http.GetAsync($"/v1/approvals/{approvalId}").Body();
        Assert.Equal("agent_created_variant", approval.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_malformed_or_conflicting_policy_is_rejected_over_HTTP_and_the_stored_policy_stays_whole()
    {
        var scoped = await engine.Created(SampleCampaigns.SpringSale(TestEvents.NewId("agent-bad"), total: 100m));
        var agentId = TestEvents.NewId("bot");
        using var agent = await engine.AgentWith(agentId, PolicyFor(scoped.Id));
        var path = $"/v1/agents/{agentId}/policy";

        var unbounded = PolicyFor(scoped.Id) with { Campaigns = [scoped.Id, "other-campaign"], MaxBudgetChangePerDay = null, MaxBudgetChangePercentPerDay = null };
        var rejected = await engine.Http.Put(path, unbounded);
        var problem = await engine.Json(rejected);
        var unknown = await engine.Http.Put(path, PolicyFor(scoped.Id) with { AllowedOperations = ["launch_rockets"] }).Outcome();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, rejected.StatusCode);
        Assert.Equal("invalid_policy", problem.GetProperty("reason").GetString());
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "invalid_policy"), unknown);
        var stored = await engine.Http.GetAsync(path).Body();
        Assert.Equal([scoped.Id], stored.GetProperty("campaigns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(30, stored.GetProperty("maxBudgetChangePerDay").GetDecimal());
    }
}
