using System.Net;
using System.Text.Json;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Gateway.Governance;

[Collection(EmbeddedEngineCollection.Name)]
public sealed class KillSwitchSpec(EmbeddedEngine engine)
{
    private async Task<string?> ActionFor(string campaign, string customer)
    {
        var response = await engine.PostJson("/v1/events", $$"""{"eventId":"{{Guid.NewGuid():N}}","customerId":"{{customer}}","type":"page_view"}""");
        var decisions = (await engine.Json(response)).GetProperty("results")[0].GetProperty("decisions").EnumerateArray();
        var decision = decisions.SingleOrDefault(d => d.GetProperty("campaignId").GetString() == campaign);
        return decision.ValueKind == JsonValueKind.Undefined ? "no decision" : decision.TryGetProperty("action", out var a) ? a.GetProperty("actionId").GetString() : null;
    }

    [Fact]
    public async Task A_campaign_kill_switch_and_the_global_one_stop_decisions_from_the_next_event()
    {
        var campaign = (await engine.Created(SampleCampaigns.PaidPerView(TestEvents.NewId("kill"), total: 10m, cost: 0m))).Id;
        var customer = TestEvents.NewId("k");
        Assert.Equal("ad", await ActionFor(campaign, customer));
        try
        {
            var engaged = await engine.Http.Post("/v1/kill-switch", new { engaged = true, campaignId = campaign }).Body();
            Assert.Contains(campaign, engaged.GetProperty("campaigns").EnumerateArray().Select(c => c.GetString()));
            Assert.Equal("no decision", await ActionFor(campaign, customer));
            await engine.Http.Post("/v1/kill-switch", new { engaged = false, campaignId = campaign });
            Assert.Equal("ad", await ActionFor(campaign, customer));

            await engine.Http.Post("/v1/kill-switch", new { engaged = true });
            Assert.Equal("no decision", await ActionFor(campaign, customer));
        }
        finally
        {
            await engine.Http.Post("/v1/kill-switch", new { engaged = false });
            await engine.Http.Post("/v1/kill-switch", new { engaged = false, campaignId = campaign });
        }
        Assert.Equal("ad", await ActionFor(campaign, customer));
        var audit = await engine.Http.GetAsync("/v1/audit?kind=kill_switch").Body();
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("operation").GetString() == "engage_kill_switch");
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_campaign"), await engine.Http.Post("/v1/kill-switch", new { engaged = true, campaignId = "NOT valid" }).Outcome());
    }
}
