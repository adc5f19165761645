using System.Text.Json;
using MarketingActors.Core.Delivery;
using MarketingActors.Delivery;

namespace MarketingActors.Services.Delivery.Connectors;

/// <summary>
/// A signed POST per delivery, following Standard Webhooks: <c>webhook-id</c> is the decision id
/// (the receiver's idempotency key: a retry carries the same id and body), the timestamp is that of
/// the attempt, the body <c>{"type":"delivery.requested","timestamp":…,"data":{…}}</c>.
/// </summary>
public sealed class WebhookConnector(IHttpClientFactory http, TimeProvider clock) : IChannelConnector
{
    public const string ClientName = "delivery-webhook";
    public const string EventType = "delivery.requested";
    private static readonly System.Net.Http.Headers.MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    public string Type => ConnectorTypes.Webhook;

    public async Task<SendOutcome> Send(DeliveryOrder order, ConnectorSettings settings, CancellationToken cancellation)
    {
        var now = clock.GetUtcNow();
        var body = Body(order, now);
        var timestamp = now.ToUnixTimeSeconds();
        // The signature is over the bytes sent: one UTF-8 body, never re-encoded between signing and sending.
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Url) { Content = content };
        request.Headers.Add(StandardWebhookSignature.IdHeader, order.DecisionId);
        request.Headers.Add(StandardWebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(StandardWebhookSignature.SignatureHeader, StandardWebhookSignature.Sign(ConnectorRules.SecretBytes(settings.Secret!)!, order.DecisionId, timestamp, body));
        try
        {
            using var response = await http.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
            return SendOutcome.OfHttpStatus((int)response.StatusCode);
        }
        catch (HttpRequestException e)
        {
            // Refused, reset, unreachable, a broken response: the receiver may be back on the next attempt.
            return SendOutcome.Transient($"{e.HttpRequestError}: {e.Message}");
        }
    }

    public static byte[] Body(DeliveryOrder order, DateTimeOffset now)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", EventType);
            w.WriteString("timestamp", now);
            w.WriteStartObject("data");
            w.WriteString("decisionId", order.DecisionId);
            w.WriteString("customerId", order.CustomerId);
            w.WriteString("campaignId", order.CampaignId);
            w.WriteString("actionId", order.ActionId);
            w.WriteString("channel", order.Channel);
            w.WriteString("variant", order.Variant);
            Optional(w, "locale", order.Locale);
            Optional(w, "address", order.Address);
            Optional(w, "journeyStepId", order.JourneyStepId);
            w.WriteString("decidedAt", order.DecidedAt);
            if (order.Message is { } m)
            {
                w.WriteStartObject("message");
                Optional(w, "subject", m.Subject);
                Optional(w, "text", m.Text);
                Optional(w, "html", m.Html);
                Optional(w, "title", m.Title);
                Optional(w, "body", m.Body);
                Optional(w, "deepLink", m.DeepLink);
                if (m.Payload is not null)
                {
                    w.WritePropertyName("payload");
                    w.WriteRawValue(m.Payload);
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void Optional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null) w.WriteString(name, value);
    }
}
