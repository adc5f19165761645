using System.Net;
using System.Text.Json;
using MarketingActors.Campaigns;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Gateway.Governance;

[Collection(EmbeddedEngineCollection.Name)]
public sealed class ConsentAndErasureSpec(EmbeddedEngine engine)
{
    /// <summary>One email per page view, re-entered every time: every event asks for an email decision.</summary>
    private static CampaignDefinition EmailPerView(string id) => SampleCampaigns.PaidPerView(id, total: 10m, cost: 0m) with
    {
        Actions = [new ActionOption { Id = "email-hello", Channel = "email", Variant = "hello", Cost = 0m }],
    };

    private async Task<JsonElement> Post(string customer, string type, string extra = "")
    {
        var response = await engine.PostJson("/v1/events?explain=true", $$"""{"eventId":"{{Guid.NewGuid():N}}","customerId":"{{customer}}","type":"{{type}}"{{extra}}}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await engine.Json(response)).GetProperty("results")[0];
    }

    private static JsonElement DecisionOf(JsonElement result, string campaign) =>
        result.GetProperty("decisions").EnumerateArray().Single(d => d.GetProperty("campaignId").GetString() == campaign);

    [Fact]
    public async Task Revoking_consent_blocks_the_channel_on_the_very_next_event()
    {
        var campaign = (await engine.Created(EmailPerView(TestEvents.NewId("consent")))).Id;
        var customer = TestEvents.NewId("optout");
        await Post(customer, "identify", ""","traits":{"consent.email":"true"}""");
        Assert.Equal("email-hello", DecisionOf(await Post(customer, "page_view"), campaign).GetProperty("action").GetProperty("actionId").GetString());

        await Post(customer, "consent_revoked", ""","channel":"email" """);
        var next = DecisionOf(await Post(customer, "page_view"), campaign);

        Assert.False(next.TryGetProperty("action", out _));
        Assert.Contains("consent_missing", next.GetProperty("candidates")[0].GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Erasure_clears_the_customer_and_unlinks_the_audit_entries_without_breaking_the_chain()
    {
        var campaign = (await engine.Created(EmailPerView(TestEvents.NewId("erase")))).Id;
        var customer = TestEvents.NewId("forget-me");
        await Post(customer, "identify", ""","traits":{"consent.email":"true","email":"x@example.com"}""");
        var decisionId = DecisionOf(await Post(customer, "page_view"), campaign).GetProperty("decisionId").GetString();
        var export = await Eventually.Holds(() => engine.Http.GetAsync($"/v1/customers/{customer}/export").Body(),
            e => e.GetProperty("auditEntries").EnumerateArray().Any(a => a.GetProperty("subjectId").GetString() == decisionId), because: "the decision reaches the audit log");
        Assert.Equal("x@example.com", export.GetProperty("profile").GetProperty("traits").GetProperty("email").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await engine.Http.DeleteAsync($"/v1/customers/{customer}")).StatusCode);

        // Nothing of the profile is left to serve: the engine answers as for a customer it never saw.
        Assert.Equal((HttpStatusCode.NotFound, "unknown_customer"), await engine.Http.GetAsync($"/v1/customers/{customer}").Outcome());
        Assert.Equal(0, (await engine.Http.GetAsync($"/v1/audit?customerId={customer}").Body()).GetArrayLength());
        Assert.Equal((HttpStatusCode.NotFound, "decision_not_found"),
            await engine.Http.GetAsync($"/v1/audit/explain?customerId={customer}&decisionId={decisionId}").Outcome());
        var kept = await engine.Http.GetAsync($"/v1/audit?campaignId={campaign}&kind=decision").Body();
        Assert.Single(kept.EnumerateArray());
        Assert.DoesNotContain(customer, kept.GetRawText());
        Assert.Contains((await engine.Http.GetAsync("/v1/audit?kind=erasure").Body()).EnumerateArray(), e => e.GetProperty("principal").GetString() == "bootstrap-admin");
        Assert.True((await engine.Http.GetAsync("/v1/audit/verify").Body()).GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task Audience_counts_exclude_customers_without_consent_and_drop_a_revoked_or_erased_customer_on_that_event()
    {
        var campaign = (await engine.Created(EmailPerView(TestEvents.NewId("count")) with
        {
            Audience = new AudienceRule { All = [new RuleCondition { Field = "trait.segment", Op = "eq", Value = CountedSegment }] },
        })).Id;
        var customers = Enumerable.Range(0, 4).Select(i => TestEvents.NewId($"member{i}")).ToArray();
        for (var i = 0; i < customers.Length; i++)
            await Post(customers[i], "identify", $$""","traits":{"segment":"{{CountedSegment}}","consent.email":"{{(i < 3 ? "true" : "false")}}"}""");
        await Post(TestEvents.NewId("outsider"), "identify", ""","traits":{"segment":"other","consent.email":"true"}""");

        await Counted(campaign, matching: 4, reachable: 3, "three of four members consented to email");
        await Post(customers[0], "consent_revoked", ""","channel":"email" """);
        await Counted(campaign, matching: 4, reachable: 2, "the revocation takes the customer off the email count");
        Assert.Equal(HttpStatusCode.NoContent, (await engine.Http.DeleteAsync($"/v1/customers/{customers[1]}")).StatusCode);
        await Counted(campaign, matching: 3, reachable: 1, "an erased customer leaves every count");
    }

    private const string CountedSegment = "count-me";

    private async Task Counted(string campaign, long matching, long reachable, string because)
    {
        var count = await Eventually.Holds(() => engine.Http.GetAsync($"/v1/campaigns/{campaign}/audience").Body(),
            c => c.GetProperty("matching").GetInt64() == matching && c.GetProperty("reachable").GetInt64() == reachable, because: because);
        Assert.Equal(reachable, count.GetProperty("reachableByChannel").TryGetProperty("email", out var email) ? email.GetInt64() : 0);
    }
}
