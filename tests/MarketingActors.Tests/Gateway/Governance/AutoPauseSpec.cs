using System.Net;
using System.Text;
using System.Text.Json;
using MarketingActors.Campaigns;
using MarketingActors.Core.Governance;
using MarketingActors.Services.Governance;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Gateway.Governance;

/// <summary>Its own engine with the anomaly guard on and its webhook pointed at a loopback listener.</summary>
[Collection(OwnEngineCollection.Name)]
public sealed class AutoPauseSpec : IAsyncLifetime
{
    private const string Secret = "test-webhook-secret-0123456789";
    private readonly HttpListener _listener = new();
    private readonly int _port = EmbeddedEngine.FreePort();
    private readonly List<(string Body, string Timestamp, string Signature)> _received = [];
    private EmbeddedEngine _engine = null!;

    public async Task InitializeAsync()
    {
        _listener.Prefixes.Add($"http://127.0.0.1:{_port}/");
        _listener.Start();
        _ = Listen();
        _engine = new EmbeddedEngine([
            "--MarketingActors:Anomalies:Enabled=true",
            "--MarketingActors:Anomalies:SpendPacingFactor=2",
            "--MarketingActors:Anomalies:MinDeliveries=5",
            $"--MarketingActors:Anomalies:WebhookUrl=http://127.0.0.1:{_port}/pause",
            $"--MarketingActors:Anomalies:WebhookSecret={Secret}",
        ]);
        await _engine.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        _listener.Close();
    }

    private async Task Listen()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            lock (_received) _received.Add((body, context.Request.Headers[WebhookSignature.TimestampHeader]!, context.Request.Headers[WebhookSignature.SignatureHeader]!));
            context.Response.StatusCode = 204;
            context.Response.Close();
        }
    }

    [Fact]
    public async Task Spending_far_beyond_pacing_pauses_the_campaign_audits_it_and_sends_a_signed_webhook()
    {
        // Daily 24 → 1 per hour; k = 2 allows 2 in the hour: the fifth 1.00 ad is well beyond it.
        var id = TestEvents.NewId("runaway");
        await _engine.Created(SampleCampaigns.PaidPerView(id, total: 100m, cost: 1m, daily: 24m));
        var customer = TestEvents.NewId("viewer");
        for (var i = 0; i < 5; i++)
            await _engine.PostJson("/v1/events", $$"""{"eventId":"{{customer}}-{{i}}","customerId":"{{customer}}","type":"page_view"}""");

        var paused = await Eventually.Holds(() => _engine.Campaign(id), c => c.Status == CampaignStatus.Paused, because: "the next silo report trips the spend-rate guard");
        Assert.Equal(CampaignStatus.Paused, paused.Status);

        var audit = await _engine.Http.GetAsync($"/v1/audit?campaignId={id}&principal=anomaly-guard").Body();
        var entry = Assert.Single(audit.EnumerateArray());
        Assert.Equal("auto_pause", entry.GetProperty("operation").GetString());
        Assert.Contains(AnomalyGuard.SpendRate, entry.GetProperty("payload").GetString());

        var (body, timestamp, signature) = await Eventually.Holds(() => Task.FromResult(ReceivedFor(id)), r => r.Body.Length > 0, because: "the webhook is sent after the pause");
        Assert.True(WebhookSignature.Verify(Secret, timestamp, body, signature));
        var notice = JsonDocument.Parse(body).RootElement;
        Assert.Equal((id, AnomalyGuard.SpendRate), (notice.GetProperty("campaignId").GetString(), notice.GetProperty("reason").GetString()));
        Assert.Equal(entry.GetProperty("sequence").GetInt64(), notice.GetProperty("auditSequence").GetInt64());
    }

    [Fact]
    public async Task A_complaint_spike_on_a_fresh_campaign_pauses_it_audits_it_and_sends_a_signed_webhook()
    {
        // Five delivered ads, then one spam complaint: 20 % of the window's deliveries, far above the 0.1 % floor.
        var id = TestEvents.NewId("spammy");
        await _engine.Created(SampleCampaigns.PaidPerView(id, total: 10m, cost: 0m));
        var customer = TestEvents.NewId("annoyed");
        string? decisionId = null;
        for (var i = 0; i < 5; i++)
        {
            var result = await _engine.Json(await _engine.PostJson("/v1/events", $$"""{"eventId":"{{customer}}-v{{i}}","customerId":"{{customer}}","type":"page_view"}"""));
            decisionId = result.GetProperty("results")[0].GetProperty("decisions").EnumerateArray()
                .Single(d => d.GetProperty("campaignId").GetString() == id).GetProperty("decisionId").GetString();
            await _engine.PostJson("/v1/events", $$"""{"eventId":"{{customer}}-d{{i}}","customerId":"{{customer}}","type":"action_delivered","decisionId":"{{decisionId}}"}""");
        }
        Assert.Equal(CampaignStatus.Active, (await _engine.Campaign(id)).Status);

        await _engine.PostJson("/v1/events", $$"""{"eventId":"{{customer}}-c","customerId":"{{customer}}","type":"complaint","decisionId":"{{decisionId}}","channel":"ads"}""");

        await Eventually.Holds(() => _engine.Campaign(id), c => c.Status == CampaignStatus.Paused, because: "the next silo report carries the complaint to the guard");
        var entry = Assert.Single((await _engine.Http.GetAsync($"/v1/audit?campaignId={id}&principal=anomaly-guard").Body()).EnumerateArray());
        Assert.Equal("auto_pause", entry.GetProperty("operation").GetString());
        Assert.Contains(AnomalyGuard.ComplaintSpike, entry.GetProperty("payload").GetString());
        var (body, timestamp, signature) = await Eventually.Holds(() => Task.FromResult(ReceivedFor(id)), r => r.Body.Length > 0, because: "the webhook is sent after the pause");
        Assert.True(WebhookSignature.Verify(Secret, timestamp, body, signature));
        Assert.Equal(AnomalyGuard.ComplaintSpike, JsonDocument.Parse(body).RootElement.GetProperty("reason").GetString());
    }

    private (string Body, string Timestamp, string Signature) ReceivedFor(string campaignId)
    {
        lock (_received) return _received.Find(r => r.Body.Contains($"\"{campaignId}\"")) is { Body: not null } hit ? hit : ("", "", "");
    }
}
