using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MarketingActors.Core.Governance;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MarketingActors.Services.Governance;

/// <summary>What an automatic pause tells the outside world.</summary>
public sealed record PauseNotice(string CampaignId, string Reason, string Detail, DateTimeOffset PausedAt, long AuditSequence);

/// <summary>
/// Signs webhook bodies: HMAC-SHA256 over "timestamp.body" with the shared secret, sent as
/// X-MarketingActors-Signature: sha256=&lt;hex&gt; with X-MarketingActors-Timestamp (receivers reject old timestamps to stop replays).
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-MarketingActors-Signature";
    public const string TimestampHeader = "X-MarketingActors-Timestamp";

    public static string Sign(string secret, string timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + body)));

    public static bool Verify(string secret, string timestamp, string body, string signature) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, timestamp, body)), Encoding.ASCII.GetBytes(signature));
}

/// <summary>Per silo: POSTs signed pause notices. A failed notice is logged, never blocks or undoes the pause.</summary>
public sealed class PauseNotifier(IHttpClientFactory clients, IOptions<AnomalyOptions> options, TimeProvider clock, ILogger<PauseNotifier> logger)
{
    public async Task Notify(PauseNotice notice)
    {
        var o = options.Value;
        if (o.WebhookUrl is null) return;
        var body = System.Text.Json.JsonSerializer.Serialize(notice, AuditJson.Options);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, o.WebhookUrl) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(o.WebhookSecret!, timestamp, body));
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            using var response = await clients.CreateClient(nameof(PauseNotifier)).SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode) logger.LogWarning("Pause webhook for {Campaign} answered {Status}", notice.CampaignId, (int)response.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            logger.LogWarning(e, "Pause webhook for {Campaign} failed; the pause stands and is audited", notice.CampaignId);
        }
    }
}
