using System.Net;
using System.Text.Json;
using MarketingActors.Campaigns;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Gateway;

/// <summary>
/// A campaign with a 50% holdout, 600 customers over HTTP, and a planted effect: treated customers
/// buy with probability 0.30, held-out ones with 0.10 (seeded, so every run sees the same data).
/// The report must find the planted +20 pp inside its interval and serve it as JSON, CSV and a page.
/// </summary>
[Collection(EmbeddedEngineCollection.Name)]
public sealed class LiftReportSpec(EmbeddedEngine engine)
{
    private const int Customers = 600;
    private const double TreatedRate = 0.30, HoldoutRate = 0.10;

    private static CampaignDefinition Planted(string id) => new()
    {
        Id = id,
        Name = "Planted lift",
        HoldoutPercent = 50,
        ConversionValue = 50m,
        Actions =
        [
            new ActionOption { Id = "email-offer", Channel = "email", Variant = "offer", Cost = 0.10m },
            new ActionOption { Id = "push-offer", Channel = "push", Variant = "offer", Cost = 0.05m },
        ],
        Journey = new JourneyDefinition { EntryTrigger = "product_view", Steps = [new JourneyStep { Id = "offer", Kind = StepKind.Action }] },
        Budget = new BudgetEnvelope { Total = 500m, Currency = "USD" },
    };

    private async Task<JsonElement> Post(IEnumerable<string> events)
    {
        var response = await engine.PostJson("/v1/events", "[" + string.Join(",", events) + "]");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await engine.Json(response);
    }

    /// <summary>Seeds the campaign and returns how many purchases were planted.</summary>
    private async Task<int> Seed(string campaign)
    {
        Assert.Equal(HttpStatusCode.Created, (await engine.PostJson("/v1/campaigns", Planted(campaign))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await engine.Http.PostAsync($"/v1/campaigns/{campaign}/activate", null)).StatusCode);
        var now = DateTimeOffset.UtcNow;
        string At(int minutesAgo) => now.AddMinutes(-minutesAgo).ToString("O");
        var random = new Random(20260101);
        var purchases = 0;
        foreach (var chunk in Enumerable.Range(0, Customers).Chunk(200))
        {
            var entered = await Post(chunk.SelectMany(i => new[]
            {
                $$$"""{"eventId":"{{{campaign}}}-{{{i}}}-id","customerId":"{{{campaign}}}-c{{{i}}}","type":"identify","timestamp":"{{{At(10)}}}","traits":{"consent.email":"true","consent.push":"true","timezone":"UTC"}}""",
                $$"""{"eventId":"{{campaign}}-{{i}}-pv","customerId":"{{campaign}}-c{{i}}","type":"product_view","timestamp":"{{At(5)}}"}""",
            }));
            var outcomes = new List<string>();
            foreach (var result in entered.GetProperty("results").EnumerateArray())
            {
                // Other specs' active campaigns decide on the same product views: only this campaign's decisions count.
                foreach (var d in result.GetProperty("decisions").EnumerateArray().Where(d => d.GetProperty("campaignId").GetString() == campaign))
                {
                    var customer = d.GetProperty("customerId").GetString();
                    var treated = d.TryGetProperty("action", out _);
                    if (treated)
                        outcomes.Add($$"""{"eventId":"{{customer}}-dl","customerId":"{{customer}}","type":"action_delivered","decisionId":"{{d.GetProperty("decisionId").GetString()}}","timestamp":"{{At(4)}}"}""");
                    if (random.NextDouble() >= (treated ? TreatedRate : HoldoutRate)) continue;
                    purchases++;
                    outcomes.Add($$"""{"eventId":"{{customer}}-buy","customerId":"{{customer}}","type":"purchase","campaignId":"{{campaign}}","value":50,"timestamp":"{{At(3)}}"}""");
                }
            }
            if (outcomes.Count > 0) await Post(outcomes);
        }
        return purchases;
    }

    private Task<JsonElement> Report(string campaign, int purchases) => Eventually.Holds(
        async () => await engine.Json(await engine.Http.GetAsync($"/v1/campaigns/{campaign}/report")),
        r => r.GetProperty("overall").GetProperty("treated").GetProperty("decisions").GetInt64()
             + r.GetProperty("overall").GetProperty("holdout").GetProperty("decisions").GetInt64() == Customers
             && r.GetProperty("overall").GetProperty("treated").GetProperty("conversions").GetInt64()
             + r.GetProperty("overall").GetProperty("holdout").GetProperty("conversions").GetInt64() == purchases,
        because: "every decision and purchase reaches the campaign's report");

    [Fact]
    public async Task A_campaign_with_a_holdout_reports_a_lift_whose_interval_covers_the_planted_effect()
    {
        var campaign = "planted-lift";
        var purchases = await Seed(campaign);

        var report = await Report(campaign, purchases);

        var overall = report.GetProperty("overall");
        var lift = overall.GetProperty("absoluteLift");
        var (lower, upper) = (lift.GetProperty("lower").GetDouble(), lift.GetProperty("upper").GetDouble());
        Assert.True(lower <= TreatedRate - HoldoutRate && TreatedRate - HoldoutRate <= upper, $"planted +0.20 outside [{lower}, {upper}]");
        Assert.True(lower > 0, "the effect is detected");
        var treated = overall.GetProperty("treated");
        var holdout = overall.GetProperty("holdout");
        Assert.InRange(holdout.GetProperty("decisions").GetInt64(), 240, 360);
        Assert.Equal(treated.GetProperty("decisions").GetInt64(), treated.GetProperty("sends").GetInt64());
        Assert.Equal(0, holdout.GetProperty("sends").GetInt64());
        Assert.True(treated.GetProperty("spend").GetDecimal() > 0);
        Assert.Equal(holdout.GetProperty("conversions").GetInt64() * 50m, holdout.GetProperty("revenue").GetDecimal());
        Assert.True(overall.GetProperty("roi").GetProperty("estimate").GetDouble() > 0);
        Assert.True(overall.GetProperty("costPerIncrementalConversion").GetDouble() > 0);
        var channels = report.GetProperty("channels").EnumerateArray().Select(c => c.GetProperty("scope").GetString()).ToList();
        Assert.Subset(new HashSet<string?> { "email", "push" }, channels.ToHashSet());
        Assert.Equal(treated.GetProperty("decisions").GetInt64(),
            report.GetProperty("channels").EnumerateArray().Sum(c => c.GetProperty("treated").GetProperty("decisions").GetInt64()));
        Assert.True(report.GetProperty("pacing").GetArrayLength() >= 1);
        Assert.Equal("on_demand", report.GetProperty("trigger").GetString());

        // Everything reached the campaign in the last two UTC days; nothing ten days before.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var recent = await engine.Json(await engine.Http.GetAsync($"/v1/campaigns/{campaign}/report?from={today.AddDays(-1):yyyy-MM-dd}&to={today:yyyy-MM-dd}"));
        var past = await engine.Json(await engine.Http.GetAsync($"/v1/campaigns/{campaign}/report?from={today.AddDays(-12):yyyy-MM-dd}&to={today.AddDays(-10):yyyy-MM-dd}"));
        Assert.Equal(treated.GetProperty("decisions").GetInt64(), recent.GetProperty("overall").GetProperty("treated").GetProperty("decisions").GetInt64());
        Assert.Equal(holdout.GetProperty("conversions").GetInt64(), recent.GetProperty("overall").GetProperty("holdout").GetProperty("conversions").GetInt64());
        Assert.Equal(treated.GetProperty("spend").GetDecimal(), recent.GetProperty("budgetSpent").GetDecimal());
        Assert.Equal(lift.GetProperty("estimate").GetDouble(), recent.GetProperty("overall").GetProperty("absoluteLift").GetProperty("estimate").GetDouble(), 9);
        Assert.Equal($"{today.AddDays(-1):yyyy-MM-dd}", recent.GetProperty("periodFrom").GetString());
        Assert.Equal(0, past.GetProperty("overall").GetProperty("treated").GetProperty("decisions").GetInt64());
        Assert.Equal(0, past.GetProperty("budgetSpent").GetDecimal());
        Assert.Empty(past.GetProperty("pacing").EnumerateArray());
    }

    [Fact]
    public async Task The_report_is_served_as_CSV_and_bad_requests_get_a_reason()
    {
        var campaign = TestEvents.NewId("csv");
        Assert.Equal(HttpStatusCode.Created, (await engine.PostJson("/v1/campaigns", Planted(campaign))).StatusCode);

        var csv = await engine.Http.GetAsync($"/v1/campaigns/{campaign}/report?format=csv");
        var badFormat = await engine.Http.GetAsync($"/v1/campaigns/{campaign}/report?format=xml");
        var badSource = await engine.Http.GetAsync($"/reports/campaigns/{campaign}?source=yesterday");
        var unknown = await engine.Http.GetAsync("/v1/campaigns/no-such-campaign/report");
        var unknownPage = await engine.Http.GetAsync("/reports/campaigns/no-such-campaign");
        var badPeriods = await Task.WhenAll(new[] { "from=2026-13-01", "to=2026-12-01", "from=2026-12-02&to=2026-12-01", "from=2026-12-01&source=scheduled" }
            .Select(q => engine.Http.GetAsync($"/v1/campaigns/{campaign}/report?{q}")));

        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("campaign_id,scope,treated_decisions", lines[0]);
        Assert.StartsWith($"{campaign},all,0,", lines[1]);
        Assert.Equal(lines[0].Split(',').Length, lines[1].Split(',').Length);
        Assert.Equal(HttpStatusCode.BadRequest, badFormat.StatusCode);
        Assert.Equal("unsupported_format", (await engine.Json(badFormat)).GetProperty("reason").GetString());
        Assert.Equal("unsupported_source", (await engine.Json(badSource)).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("campaign_not_found", (await engine.Json(unknownPage)).GetProperty("reason").GetString());
        foreach (var bad in badPeriods)
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("invalid_period", (await engine.Json(bad)).GetProperty("reason").GetString());
        }
    }

    [Fact]
    public async Task The_report_page_shows_the_lift_chart_and_pacing_in_headless_Chromium()
    {
        var campaign = "planted-page";
        var purchases = await Seed(campaign);
        await Report(campaign, purchases);
        Assert.True(Directory.Exists(Path.Combine(RepositoryPaths.Root, "tests", "browser", "node_modules", "playwright-core")),
            "run `(cd tests/browser && npm ci)` (and install chromium) first; .ci/run does both");

        var page = await ExternalProcess.Run("node",
            ["tests/browser/report-page.mjs", $"{engine.Http.BaseAddress}reports/campaigns/{campaign}", "--expect-positive-lift"],
            TimeSpan.FromMinutes(2), new Dictionary<string, string> { ["MA_API_KEY"] = engine.AdminKey });

        Assert.True(page.ExitCode == 0, page.ToString());
        Assert.Contains("\"scope\":\"all\"", page.Output);
    }
}
