using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MarketingActors.Campaigns;
using MarketingActors.Governance;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Gateway.Governance;

[Collection(EmbeddedEngineCollection.Name)]
public sealed class AccessSpec(EmbeddedEngine engine)
{
    private static StringContent Event(string customer) =>
        new($$"""{"eventId":"{{Guid.NewGuid():N}}","customerId":"{{customer}}","type":"page_view"}""", Encoding.UTF8, "application/json");

    [Fact]
    public async Task Requests_without_a_valid_key_get_401_with_a_reason_and_the_OpenAPI_document_stays_public()
    {
        using var anonymous = engine.ClientWith(null);
        using var garbage = engine.ClientWith("ma_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        using var basic = engine.ClientWith(null);
        basic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "YWRtaW46YWRtaW4=");

        Assert.Equal((HttpStatusCode.Unauthorized, "missing_api_key"), await anonymous.PostAsync("/v1/events", Event("anon")).Outcome());
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_api_key"), await garbage.GetAsync("/v1/campaigns").Outcome());
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_api_key"), await basic.GetAsync("/v1/campaigns").Outcome());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/openapi/v1.json")).StatusCode);
    }

    [Fact]
    public async Task A_revoked_key_stops_working()
    {
        var response = await engine.PostJson("/v1/keys", new KeyRequest { PrincipalId = "leaver", Role = Roles.Reader });
        var key = await engine.Json(response);
        Assert.Equal(HttpStatusCode.OK, (await engine.Http.DeleteAsync($"/v1/keys/{key.GetProperty("keyId").GetString()}")).StatusCode);
        using var leaver = engine.ClientWith(key.GetProperty("token").GetString());
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_api_key"), await leaver.GetAsync("/v1/campaigns").Outcome());
        var listed = await engine.Json(await engine.Http.GetAsync("/v1/keys"));
        Assert.DoesNotContain(listed.EnumerateArray(), k => k.TryGetProperty("token", out _));
    }

    [Fact]
    public async Task Each_role_does_what_it_is_for_and_gets_403_forbidden_operation_otherwise()
    {
        var campaign = TestEvents.NewId("acl");
        await engine.Created(SampleCampaigns.SpringSale(campaign), activate: false);
        using var writer = await engine.KeyFor("web-backend", Roles.EventWriter);
        using var reader = await engine.KeyFor("analyst", Roles.Reader);

        Assert.Equal(HttpStatusCode.OK, (await writer.PostAsync("/v1/events", Event(TestEvents.NewId("w")))).StatusCode);
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden_operation"), await writer.Post("/v1/campaigns", SampleCampaigns.SpringSale(TestEvents.NewId("w"))).Outcome());
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden_operation"), await writer.GetAsync("/v1/keys").Outcome());
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/v1/campaigns/{campaign}/state")).StatusCode);
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden_operation"), await reader.PostAsync("/v1/events", Event("r")).Outcome());
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden_operation"), await reader.PostAsync($"/v1/campaigns/{campaign}/activate", null).Outcome());
        Assert.Equal(CampaignStatus.Draft, (await engine.Campaign(campaign)).Status);
    }

    [Fact]
    public async Task A_campaign_owner_manages_only_the_campaigns_in_scope()
    {
        var mine = TestEvents.NewId("mine");
        var theirs = TestEvents.NewId("theirs");
        using var owner = await engine.KeyFor("owner-ana", Roles.CampaignOwner, mine);
        Assert.Equal(HttpStatusCode.Created, (await owner.Post("/v1/campaigns", SampleCampaigns.SpringSale(mine))).StatusCode);
        await engine.Created(SampleCampaigns.SpringSale(theirs), activate: false);

        Assert.Equal((HttpStatusCode.Forbidden, "campaign_out_of_scope"), await owner.Post("/v1/campaigns", SampleCampaigns.SpringSale(TestEvents.NewId("new"))).Outcome());
        Assert.Equal((HttpStatusCode.Forbidden, "campaign_out_of_scope"), await owner.Put($"/v1/campaigns/{theirs}/budget", new BudgetEnvelope { Total = 1 }).Outcome());
        Assert.Equal((HttpStatusCode.Forbidden, "campaign_out_of_scope"), await owner.GetAsync($"/v1/campaigns/{theirs}/state").Outcome());
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/v1/campaigns/{mine}/activate", null)).StatusCode);
        Assert.Equal(100m, (await engine.Campaign(theirs)).Budget.Total);
    }

    [Fact]
    public async Task Unknown_roles_and_malformed_key_requests_are_rejected_at_write_time_and_nothing_is_stored()
    {
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "unknown_role"),
            await engine.Http.Post("/v1/keys", new KeyRequest { PrincipalId = "root-wannabe", Role = "superuser" }).Outcome());
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "invalid_key_request"),
            await engine.Http.Post("/v1/keys", new KeyRequest { PrincipalId = "owner-of-nothing", Role = Roles.CampaignOwner }).Outcome());
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_json"),
            await engine.PostJson("/v1/keys", """{"principalId": 7, "role": ["admin"]}""").Outcome());
        var keys = await engine.Json(await engine.Http.GetAsync("/v1/keys"));
        Assert.DoesNotContain(keys.EnumerateArray(), k => k.GetProperty("principal").GetProperty("id").GetString() is "root-wannabe" or "owner-of-nothing");
    }

    [Fact]
    public async Task A_scoped_key_sees_nothing_of_other_campaigns_in_lists_pages_or_explanations()
    {
        var mine = TestEvents.NewId("seen");
        var theirs = TestEvents.NewId("unseen");
        await engine.Created(SampleCampaigns.SpringSale(mine));
        await engine.Created(SampleCampaigns.SpringSale(theirs));
        using var owner = await engine.KeyFor(TestEvents.NewId("owner"), Roles.CampaignOwner, mine);
        var customer = TestEvents.NewId("seen-c");
        var answer = await engine.PostJson("/v1/events", $$"""{"eventId":"{{Guid.NewGuid():N}}","customerId":"{{customer}}","type":"product_view"}""");
        var decisions = (await engine.Json(answer)).GetProperty("results")[0].GetProperty("decisions").EnumerateArray()
            .ToDictionary(d => d.GetProperty("campaignId").GetString()!, d => d.GetProperty("decisionId").GetString()!);

        var listed = await owner.GetAsync("/v1/campaigns").Body();
        Assert.Equal([mine], listed.EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        Assert.Equal((HttpStatusCode.Forbidden, "campaign_out_of_scope"), await owner.GetAsync($"/reports/campaigns/{theirs}").Outcome());
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/reports/campaigns/{mine}")).StatusCode);
        Assert.Equal((HttpStatusCode.Forbidden, "campaign_out_of_scope"), await owner.GetAsync("/v1/audit").Outcome());
        Assert.Equal((HttpStatusCode.NotFound, "decision_not_found"),
            await owner.GetAsync($"/v1/audit/explain?customerId={customer}&decisionId={decisions[theirs]}").Outcome());
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/v1/audit/explain?customerId={customer}&decisionId={decisions[mine]}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await engine.Http.GetAsync($"/v1/audit/explain?customerId={customer}&decisionId={decisions[theirs]}")).StatusCode);
    }
}
