using System.Net;
using System.Text.Json;
using MarketingActors.Campaigns;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Grains.Services.Campaigns;

/// <summary>
/// A burst of traffic is not decided on stale posteriors: once a batch of outcomes has settled the
/// silo reports to the campaign without waiting for its report interval (here 20 s).
/// </summary>
[Collection(OwnEngineCollection.Name)]
public sealed class EvidenceReportSpec : IAsyncLifetime
{
    private const int Batch = 20;
    private EmbeddedEngine _engine = null!;

    public async Task InitializeAsync()
    {
        _engine = new EmbeddedEngine(["--MarketingActors:Budget:ReportInterval=00:00:20", "--MarketingActors:Budget:LeaseTtl=00:01:00", $"--MarketingActors:Budget:EvidenceBatch={Batch}"]);
        await _engine.InitializeAsync();
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task Settled_outcomes_reach_the_campaign_long_before_the_report_interval()
    {
        var campaign = await _engine.Created(new CampaignDefinition
        {
            Id = TestEvents.NewId("burst"), Name = "Burst",
            Actions = [new ActionOption { Id = "email", Channel = "email", Variant = "offer", Cost = 0.01m }],
            Journey = new JourneyDefinition { EntryTrigger = "product_view", Steps = [new JourneyStep { Id = "offer", Kind = StepKind.Action }] },
            Budget = new BudgetEnvelope { Total = 100m, Currency = "USD" },
        });
        var now = DateTimeOffset.UtcNow.ToString("O");
        var entries = Enumerable.Range(0, Batch).SelectMany(i => new[]
        {
            $$$"""{"eventId":"{{{campaign.Id}}}-{{{i}}}-id","customerId":"{{{campaign.Id}}}-c{{{i}}}","type":"identify","timestamp":"{{{now}}}","traits":{"consent.email":"true","timezone":"UTC"}}""",
            $$"""{"eventId":"{{campaign.Id}}-{{i}}-pv","customerId":"{{campaign.Id}}-c{{i}}","type":"product_view","timestamp":"{{now}}"}""",
        });
        var answer = await _engine.Json(await _engine.PostJson("/v1/events", "[" + string.Join(",", entries) + "]"));
        var receipts = answer.GetProperty("results").EnumerateArray().SelectMany(r => r.GetProperty("decisions").EnumerateArray())
            .Where(d => d.TryGetProperty("action", out _))
            .Select(d => $$"""{"eventId":"{{d.GetProperty("decisionId").GetString()}}-dl","customerId":"{{d.GetProperty("customerId").GetString()}}","type":"action_delivered","decisionId":"{{d.GetProperty("decisionId").GetString()}}","timestamp":"{{now}}"}""")
            .ToList();
        Assert.Equal(Batch, receipts.Count);

        var started = DateTime.UtcNow;
        Assert.Equal(HttpStatusCode.OK, (await _engine.PostJson("/v1/events", "[" + string.Join(",", receipts) + "]")).StatusCode);

        await Eventually.Holds(
            async () => await _engine.Json(await _engine.Http.GetAsync($"/v1/campaigns/{campaign.Id}/state")),
            (JsonElement state) => state.GetProperty("deliveries").GetInt64() == Batch,
            timeout: TimeSpan.FromSeconds(8), because: "the batch of deliveries is reported early, not after the 20 s interval");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }
}
