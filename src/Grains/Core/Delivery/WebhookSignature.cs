using System.Security.Cryptography;
using System.Text;

namespace MarketingActors.Core.Delivery;

/// <summary>
/// The Standard Webhooks signature (standardwebhooks.com): HMAC-SHA256 with the secret's bytes
/// over "{webhook-id}.{webhook-timestamp}.{body}", sent as "v1,{base64}" in webhook-signature,
/// with the id (here the decision id, so a receiver dedups retries on it) and the Unix-seconds timestamp.
/// </summary>
public static class StandardWebhookSignature
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    public static string Sign(byte[] key, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }
}
