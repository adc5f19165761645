using System.Net;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Gateway;

/// <summary>
/// A campaign owner who ran an A/B test before gives its results to a contextual campaign: the
/// engine starts from what the test showed instead of paying again to learn it, and the campaign's
/// own reports stay its own.
/// </summary>
/// <remarks>Its own engine: its active campaigns would otherwise decide on other specs' page views.</remarks>
public sealed class PriorTestSpec(EmbeddedEngine engine) : IClassFixture<EmbeddedEngine>
{
    private const int Customers = 400;

    private static string Campaign(string id, string priorTest) => $$$"""
        {"id":"{{{id}}}","name":"Warm start","conversionValue":40,
         "actions":[{"id":"email","channel":"email","variant":"offer","cost":0.1},{"id":"push","channel":"push","variant":"offer","cost":0.1}],
         "journey":{"entryTrigger":"page_view","steps":[{"id":"offer","kind":"action"}]},
         "budget":{"total":1000,"currency":"USD"},
         "policy":{"kind":"contextual","context":[{"trait":"tier"}]{{{priorTest}}}}}
        """;

    [Fact]
    public async Task A_prior_tests_results_decide_from_the_first_customer_and_stay_out_of_the_campaigns_own_evidence()
    {
        // The spring test: e-mail converted 30% of 2,000 customers, push 3% of 2,000.
        var warm = TestEvents.NewId("warm");
        var cold = TestEvents.NewId("cold");
        const string spring = ""","priorTest":{"source":"spring A/B test","arms":[{"actionId":"email","trials":2000,"conversions":600,"revenue":24000},{"actionId":"push","trials":2000,"conversions":60,"revenue":2400}]}""";
        foreach (var (id, prior) in new[] { (warm, spring), (cold, "") })
        {
            Assert.Equal(HttpStatusCode.Created, (await engine.PostJson("/v1/campaigns", Campaign(id, prior))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await engine.Http.PostAsync($"/v1/campaigns/{id}/activate", null)).StatusCode);
        }

        var now = DateTimeOffset.UtcNow.ToString("O");
        var events = Enumerable.Range(0, Customers).SelectMany(i => new[]
        {
            $$$"""{"eventId":"{{{warm}}}-{{{i}}}-id","customerId":"{{{warm}}}-c{{{i}}}","type":"identify","timestamp":"{{{now}}}","traits":{"tier":"gold","consent.email":"true","consent.push":"true","timezone":"UTC"}}""",
            $$"""{"eventId":"{{warm}}-{{i}}-pv","customerId":"{{warm}}-c{{i}}","type":"page_view","timestamp":"{{now}}"}""",
        });
        var answer = await engine.Json(await engine.PostJson("/v1/events", "[" + string.Join(",", events) + "]"));
        var sent = answer.GetProperty("results").EnumerateArray().SelectMany(r => r.GetProperty("decisions").EnumerateArray())
            .Where(d => d.TryGetProperty("action", out _))
            .GroupBy(d => d.GetProperty("campaignId").GetString()!)
            .ToDictionary(g => g.Key, g => g.Count(d => d.GetProperty("action").GetProperty("actionId").GetString() == "email") / (double)g.Count());

        // No outcome has reached either campaign: warm, only the exploration floor's share goes to push (e-mail 97.5% expected);
        // cold, the two offers are a coin toss.
        Assert.InRange(sent[warm], 0.9, 1.0);
        Assert.InRange(sent[cold], 0.25, 0.75);

        var stored = await engine.Campaign(warm);
        Assert.Equal("spring A/B test", stored.Policy!.PriorTest!.Source);
        Assert.Equal([2000L, 2000L], stored.Policy.PriorTest.Arms.Select(a => a.Trials));
        // The test's 4,000 customers are evidence for the policy, not deliveries or conversions of this campaign.
        var state = await engine.Json(await engine.Http.GetAsync($"/v1/campaigns/{warm}/state"));
        Assert.All(state.GetProperty("variants").EnumerateArray(), v => Assert.Equal((0L, 0L),
            (v.GetProperty("deliveries").GetInt64(), v.GetProperty("conversions").GetInt64())));
    }

    [Fact]
    public async Task A_prior_test_a_test_could_not_have_produced_is_refused_and_nothing_is_stored()
    {
        var id = TestEvents.NewId("warm-bad");
        const string impossible = ""","priorTest":{"source":"spring A/B test","arms":[{"actionId":"email","trials":100,"conversions":150,"revenue":6000},{"actionId":"sms","trials":100}]}""";

        var response = await engine.PostJson("/v1/campaigns", Campaign(id, impossible));
        var body = await engine.Json(response);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("invalid_campaign", body.GetProperty("reason").GetString());
        var errors = body.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Contains("policy.priorTest.arms[0].conversions: 0 to trials", errors);
        Assert.Contains("policy.priorTest.arms[1].actionId: unknown action 'sms'", errors);
        Assert.Equal(HttpStatusCode.NotFound, (await engine.Http.GetAsync($"/v1/campaigns/{id}")).StatusCode);
    }
}
