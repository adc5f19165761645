using System.Net;
using System.Text.Json;
using MarketingActors.Campaigns;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Gateway;

/// <summary>The README walkthrough, end to end over HTTP: a campaign owner sets up, a backend posts events, the journey adapts.</summary>
[Collection(EmbeddedEngineCollection.Name)]
public sealed class JourneyAdaptationSpec(EmbeddedEngine engine)
{
    private async Task<JsonElement> Post(string json)
    {
        var response = await engine.PostJson("/v1/events", json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await engine.Json(response);
    }

    private static string At(TimeSpan ago) => (DateTimeOffset.UtcNow - ago).ToString("O");

    [Fact]
    public async Task A_customer_who_skips_emails_but_clicks_ads_is_reached_by_ads_and_re_engaged_when_velocity_drops()
    {
        var campaign = TestEvents.NewId("walk");
        Assert.Equal(HttpStatusCode.Created, (await engine.PostJson("/v1/campaigns", SampleCampaigns.SpringSale(campaign, waitDays: 60))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await engine.Http.PostAsync($"/v1/campaigns/{campaign}/activate", null)).StatusCode);
        var c = TestEvents.NewId("walker");

        // Thirty days of steady engagement; the customer opts in to email and push but ignores every email.
        var history = new List<string>
        {
            $$$"""{"eventId":"{{{c}}}-id","customerId":"{{{c}}}","type":"identify","timestamp":"{{{At(TimeSpan.FromDays(31))}}}","traits":{"consent.email":"true","consent.push":"true","timezone":"UTC"}}""",
        };
        for (var day = 30; day >= 7; day--)
        {
            history.Add($$"""{"eventId":"{{c}}-pv{{day}}","customerId":"{{c}}","type":"Page Viewed","timestamp":"{{At(TimeSpan.FromDays(day))}}"}""");
            history.Add($$"""{"eventId":"{{c}}-es{{day}}","customerId":"{{c}}","type":"email_skipped","timestamp":"{{At(TimeSpan.FromDays(day) - TimeSpan.FromMinutes(5))}}"}""");
            if (day % 8 == 0) history.Add($$"""{"eventId":"{{c}}-ad{{day}}","customerId":"{{c}}","type":"ad-click","channel":"ads","timestamp":"{{At(TimeSpan.FromDays(day) - TimeSpan.FromMinutes(9))}}"}""");
        }
        await Post("[" + string.Join(",", history) + "]");

        // A week later, a product view enters the journey: ads, not email.
        var entered = await Post($$"""{"eventId":"{{c}}-view","customerId":"{{c}}","type":"product_view","timestamp":"{{At(TimeSpan.FromDays(6))}}"}""");
        var first = entered.GetProperty("results")[0].GetProperty("decisions").EnumerateArray().Single(d => d.GetProperty("campaignId").GetString() == campaign);
        Assert.Equal("ads-retarget", first.GetProperty("action").GetProperty("actionId").GetString());
        Assert.Equal("prior-logistic-v1", first.GetProperty("modelVersion").GetString());

        // Then nothing for six days: the next event finds engagement velocity collapsed.
        var dropped = await Post($$"""{"eventId":"{{c}}-late","customerId":"{{c}}","type":"email_skipped","timestamp":"{{At(TimeSpan.Zero)}}"}""");
        var result = dropped.GetProperty("results")[0];
        Assert.Contains("velocity_drop", result.GetProperty("triggers").EnumerateArray().Select(t => t.GetString()));
        var reengage = result.GetProperty("decisions").EnumerateArray().Single(d => d.GetProperty("campaignId").GetString() == campaign);
        Assert.Equal("reengage", reengage.GetProperty("journeyStepId").GetString());
        Assert.Equal("push-winback", reengage.GetProperty("action").GetProperty("actionId").GetString());

        var customer = await engine.Json(await engine.Http.GetAsync($"/v1/customers/{c}"));
        var journey = customer.GetProperty("journeys").EnumerateArray().Single(j => j.GetProperty("campaignId").GetString() == campaign);
        Assert.Contains("reroute:velocity_drop", journey.GetProperty("path").EnumerateArray().Select(p => p.GetString()));
        Assert.True(customer.GetProperty("features").GetProperty("velocity").GetDouble() < -1);
    }

    [Fact]
    public async Task Next_best_action_answers_for_an_on_site_placement_with_its_reasons()
    {
        var id = TestEvents.NewId("onsite");
        var definition = new CampaignDefinition
        {
            Id = id,
            Name = "Homepage hero",
            Actions =
            [
                new ActionOption { Id = "hero-sale", Channel = "web", Variant = "sale banner", Placement = "home_hero" },
                new ActionOption { Id = "hero-fr", Channel = "web", Variant = "sale banner", Placement = "home_hero", Locale = "fr" },
                new ActionOption { Id = "footer", Channel = "web", Variant = "footer", Placement = "footer" },
            ],
            Journey = new JourneyDefinition { EntryTrigger = "page_view", Steps = [new JourneyStep { Id = "show", Kind = StepKind.Action, ActionIds = ["footer"] }] },
            Budget = new BudgetEnvelope { Total = 0, Currency = "USD" },
            AllowLocaleFallback = true,
        };
        await engine.PostJson("/v1/campaigns", definition);
        await engine.Http.PostAsync($"/v1/campaigns/{id}/activate", null);
        var c = TestEvents.NewId("visitor");
        await Post($$$"""{"eventId":"{{{c}}}-1","customerId":"{{{c}}}","type":"identify","traits":{"locale":"fr-CA"}}""");

        var response = await engine.Http.GetAsync($"/v1/customers/{c}/next-best-action?placement=home_hero&explain=true");
        var plain = await engine.Json(await engine.Http.GetAsync($"/v1/customers/{c}/next-best-action?placement=home_hero"));
        var missing = await engine.Http.GetAsync($"/v1/customers/{c}/next-best-action");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var decision = await engine.Json(response);
        Assert.Equal("hero-fr", decision.GetProperty("action").GetProperty("actionId").GetString());
        var superseded = decision.GetProperty("candidates").EnumerateArray().Single(v => v.GetProperty("actionId").GetString() == "hero-sale");
        Assert.Equal("locale_superseded", superseded.GetProperty("reasons")[0].GetString());
        Assert.Equal("hero-fr", plain.GetProperty("action").GetProperty("actionId").GetString());
        Assert.False(plain.TryGetProperty("candidates", out _), "the verdicts come with ?explain=true only");
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
    }
}
