using System.Net;
using System.Text;
using System.Text.Json;
using MarketingActors.Campaigns;
using MarketingActors.Governance;
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

        var (body, timestamp, signature) = await Eventually.Holds(() => Task.FromResult(Received()), r => r.Body.Length > 0, because: "the webhook is sent after the pause");
        Assert.True(WebhookSignature.Verify(Secret, timestamp, body, signature));
        var notice = JsonDocument.Parse(body).RootElement;
        Assert.Equal((id, AnomalyGuard.SpendRate), (notice.GetProperty("campaignId").GetString(), notice.GetProperty("reason").GetString()));
        Assert.Equal(entry.GetProperty("sequence").GetInt64(), notice.GetProperty("auditSequence").GetInt64());
    }

    private (string Body, string Timestamp, string Signature) Received()
    {
        lock (_received) return _received.Count > 0 ? _received[0] : ("", "", "");
    }
}
