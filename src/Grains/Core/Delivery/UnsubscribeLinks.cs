using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace MarketingActors.Core.Delivery;

/// <summary>What a one-click unsubscribe link stands for: who, on which channel, from which decision's message.</summary>
public sealed record UnsubscribeRequest(string CustomerId, string Channel, string DecisionId);

/// <summary>
/// The token in a one-click unsubscribe link (RFC 8058): the customer, channel and decision in the
/// clear (base64url) and an HMAC-SHA256 over them with the cluster's link key, so a link cannot be
/// forged for another customer and needs no lookup to honour. It does not expire: a mail client
/// may follow it months later, and withdrawing consent twice changes nothing.
/// </summary>
public static class UnsubscribeLinks
{
    private const char Separator = '\u001f';
    private const int MaxTokenLength = 1024;

    public static string Token(byte[] key, UnsubscribeRequest request)
    {
        var payload = Encoding.UTF8.GetBytes(string.Join(Separator, request.CustomerId, request.Channel, request.DecisionId));
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(key, payload));
    }

    /// <summary>The request a token stands for; null when it is malformed or its signature does not match.</summary>
    public static UnsubscribeRequest? Read(byte[] key, string token)
    {
        if (key.Length == 0 || token.Length > MaxTokenLength || token.Split('.') is not [var body, var mac]) return null;
        byte[] payload, signature;
        try
        {
            payload = Base64Url.DecodeFromChars(body);
            signature = Base64Url.DecodeFromChars(mac);
        }
        catch (FormatException)
        {
            return null;
        }
        if (!CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(key, payload))) return null;
        return Encoding.UTF8.GetString(payload).Split(Separator) is [var customer, var channel, var decision] ? new(customer, channel, decision) : null;
    }
}
