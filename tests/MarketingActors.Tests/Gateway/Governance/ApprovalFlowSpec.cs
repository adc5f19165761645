using System.Net;
using System.Text.Json;
using MarketingActors.Campaigns;
using MarketingActors.Governance;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Gateway.Governance;

[Collection(EmbeddedEngineCollection.Name)]
public sealed class ApprovalFlowSpec(EmbeddedEngine engine)
{
    private async Task<JsonElement> Post(string customer, string type)
    {
        var response = await engine.PostJson("/v1/events?explain=true", $$"""{"eventId":"{{Guid.NewGuid():N}}","customerId":"{{customer}}","type":"{{type}}"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await engine.Json(response)).GetProperty("results")[0];
    }

    [Fact]
    public async Task An_over_limit_agent_change_is_applied_once_a_reviewer_approves_it_and_the_audit_names_the_approval()
    {
        var campaign = await engine.Created(SampleCampaigns.SpringSale(TestEvents.NewId("apr"), total: 100m));
        var agentId = TestEvents.NewId("bot");
        using var agent = await engine.AgentWith(agentId, new AgentPolicy
        {
            AllowedOperations = [Operations.ShiftBudget], Campaigns = [campaign.Id], MaxBudgetChangePercentPerDay = 10,
        });
        using var owner = await engine.KeyFor(TestEvents.NewId("owner"), Roles.CampaignOwner, campaign.Id);

        var queued = await agent.Put($"/v1/campaigns/{campaign.Id}/budget", campaign.Budget with { Total = 200 }).Body();
        var approvalId = queued.GetProperty("approvalId").GetString()!;
        Assert.Equal(100m, (await engine.Campaign(campaign.Id)).Budget.Total);
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden_operation"), await agent.PostAsync($"/v1/approvals/{approvalId}/approve", null).Outcome());

        var approved = await owner.Post($"/v1/approvals/{approvalId}/approve", new { comment = "Q2 push, fine" }).Body();
        Assert.Equal(("approved", "applied"), (approved.GetProperty("status").GetString(), approved.GetProperty("outcome").GetString()));
        Assert.Equal("Q2 push, fine", approved.GetProperty("comments")[0].GetProperty("text").GetString());
        Assert.Equal(200m, (await engine.Campaign(campaign.Id)).Budget.Total);
        Assert.Equal((HttpStatusCode.Conflict, "approval_not_pending"), await owner.PostAsync($"/v1/approvals/{approvalId}/reject", null).Outcome());

        var audit = await engine.Http.GetAsync($"/v1/audit?campaignId={campaign.Id}&kind=change").Body();
        var applied = audit.EnumerateArray().Single(e => e.TryGetProperty("approvalId", out var id) && id.GetString() == approvalId);
        Assert.Equal(agentId, applied.GetProperty("principal").GetString());
    }

    [Fact]
    public async Task A_sensitive_variant_is_never_selected_before_approval_and_its_requester_cannot_approve_it()
    {
        var id = TestEvents.NewId("price");
        var ownerId = TestEvents.NewId("ana");
        using var ana = await engine.KeyFor(ownerId, Roles.CampaignOwner, id);
        using var bo = await engine.KeyFor(TestEvents.NewId("bo"), Roles.CampaignOwner, id);
        var definition = SampleCampaigns.PaidPerView(id, total: 10m, cost: 0.01m) with
        {
            Actions = [new ActionOption { Id = "ad-price", Channel = "ads", Variant = "now 49 EUR", Cost = 0.01m, Sensitivity = Sensitivity.Pricing }],
        };
        var created = await ana.Post("/v1/campaigns", definition);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var approvalId = Assert.Single(created.Headers.GetValues("X-Pending-Approvals"));
        Assert.Equal(HttpStatusCode.OK, (await ana.PostAsync($"/v1/campaigns/{id}/activate", null)).StatusCode);

        var customer = TestEvents.NewId("shopper");
        var before = (await Post(customer, "page_view")).GetProperty("decisions").EnumerateArray().Single(d => d.GetProperty("campaignId").GetString() == id);
        Assert.False(before.TryGetProperty("action", out _));
        Assert.Contains("approval_required", before.GetProperty("candidates")[0].GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));

        Assert.Equal((HttpStatusCode.Forbidden, "self_approval"), await ana.PostAsync($"/v1/approvals/{approvalId}/approve", null).Outcome());
        Assert.Equal(HttpStatusCode.OK, (await bo.Post($"/v1/approvals/{approvalId}/approve", new { comment = "price checked with legal" })).StatusCode);
        var approvedVariant = (await engine.Campaign(id)).Actions.Single();
        Assert.Equal(approvalId, approvedVariant.Approval?.ApprovalId);

        var after = (await Post(customer, "page_view")).GetProperty("decisions").EnumerateArray().Single(d => d.GetProperty("campaignId").GetString() == id);
        Assert.Equal("ad-price", after.GetProperty("action").GetProperty("actionId").GetString());
    }

    [Fact]
    public async Task A_localized_copy_of_an_approved_sensitive_variant_needs_its_own_approval_and_a_rejection_keeps_it_blocked()
    {
        var id = TestEvents.NewId("claim");
        using var ana = await engine.KeyFor(TestEvents.NewId("ana"), Roles.CampaignOwner, id);
        using var bo = await engine.KeyFor(TestEvents.NewId("bo"), Roles.CampaignOwner, id);
        var claim = new ActionOption { Id = "claim-en", Channel = "ads", Variant = "clinically proven", Cost = 0m, Sensitivity = Sensitivity.RegulatedClaim };
        var created = await ana.Post("/v1/campaigns", SampleCampaigns.PaidPerView(id, total: 10m, cost: 0m) with { Actions = [claim] });
        await bo.PostAsync($"/v1/approvals/{Assert.Single(created.Headers.GetValues("X-Pending-Approvals"))}/approve", null);
        var current = await engine.Campaign(id);

        var localized = current with { Actions = [.. current.Actions, claim with { Id = "claim-fr", Locale = "fr", Variant = "cliniquement prouvé" }] };
        var updated = await ana.Put($"/v1/campaigns/{id}", localized);
        var frApproval = Assert.Single(updated.Headers.GetValues("X-Pending-Approvals"));
        var rejected = await bo.Post($"/v1/approvals/{frApproval}/reject", new { comment = "translation not reviewed by legal" }).Body();

        Assert.Equal("rejected", rejected.GetProperty("status").GetString());
        var stored = await engine.Campaign(id);
        Assert.NotNull(stored.Actions.Single(a => a.Id == "claim-en").Approval);
        Assert.Null(stored.Actions.Single(a => a.Id == "claim-fr").Approval);
    }
}
