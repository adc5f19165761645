using MarketingActors.Delivery;
using MarketingActors.Events;

namespace MarketingActors.Core.Delivery;

/// <summary>What a connector must be before it is stored: every problem at once, as for a campaign.</summary>
public static class ConnectorRules
{
    public const int MinSecretBytes = 24;
    public const int MaxSecretBytes = 64;
    public const string SecretPrefix = "whsec_";

    /// <summary>Channels a connector can serve: every known channel except the on-site ones, which the page renders itself.</summary>
    public static bool IsDeliverable(string channel) => EventCatalog.KnownChannels.Contains(channel) && channel is not ("web" or "app");

    /// <param name="stored">The connector stored now, whose secrets a write without them keeps.</param>
    public static List<string> Validate(string channel, ConnectorSettings s, ConnectorSettings? stored)
    {
        var errors = new List<string>();
        if (!IsDeliverable(channel)) errors.Add($"channel: one of {string.Join(", ", EventCatalog.KnownChannels.Where(IsDeliverable))}");
        if (s.RatePerSecond is < 1 or > 10_000) errors.Add("ratePerSecond: 1 to 10000");
        if (s.TimeoutSeconds is < 1 or > 120) errors.Add("timeoutSeconds: 1 to 120");
        if (s.MaxAttempts is < 1 or > 50) errors.Add("maxAttempts: 1 to 50");
        switch (s.Type)
        {
            case ConnectorTypes.Webhook:
                if (!Uri.TryCreate(s.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || s.Url!.Length > 2048)
                    errors.Add("url: an absolute http(s) URL of at most 2048 characters");
                var secret = s.Secret ?? (stored?.Type == ConnectorTypes.Webhook ? stored.Secret : null);
                if (secret is null) errors.Add($"secret: required ({SecretPrefix} followed by base64 of {MinSecretBytes}–{MaxSecretBytes} random bytes)");
                else if (SecretBytes(secret) is null) errors.Add($"secret: {SecretPrefix} followed by base64 of {MinSecretBytes}–{MaxSecretBytes} random bytes");
                if (s.Host is not null || s.Username is not null || s.Password is not null || s.From is not null) errors.Add("host, username, password, from: SMTP settings, not for a webhook");
                break;
            case ConnectorTypes.Smtp:
                if (channel != "email") errors.Add("type: smtp delivers the email channel only");
                if (string.IsNullOrWhiteSpace(s.Host) || s.Host.Length > 255 || Uri.CheckHostName(s.Host) == UriHostNameType.Unknown) errors.Add("host: a host name or IP address");
                if (s.Port is < 1 or > 65535) errors.Add("port: 1 to 65535");
                if (s.From is null || !MimeKit.MailboxAddress.TryParse(s.From, out _)) errors.Add("from: a mailbox such as \"Shop <news@example.com>\"");
                if (s.Security is not ("none" or "starttls" or "tls")) errors.Add("security: none, starttls or tls");
                if (s.Password is not null && s.Username is null) errors.Add("username: required with a password");
                if (s.Url is not null || s.Secret is not null) errors.Add("url, secret: webhook settings, not for SMTP");
                break;
            default:
                errors.Add($"type: {ConnectorTypes.Webhook} or {ConnectorTypes.Smtp}");
                break;
        }
        return errors;
    }

    /// <summary>The stored form of a write: secrets left out of it are kept from what was stored.</summary>
    public static ConnectorSettings Merge(ConnectorSettings s, ConnectorSettings? stored) => stored is null || stored.Type != s.Type ? s : s with
    {
        Secret = s.Secret ?? stored.Secret,
        Password = s.Password ?? (s.Username == stored.Username ? stored.Password : null),
    };

    public static byte[]? SecretBytes(string secret)
    {
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal)) return null;
        var bytes = new byte[MaxSecretBytes + 3];
        return Convert.TryFromBase64String(secret[SecretPrefix.Length..], bytes, out var n) && n is >= MinSecretBytes and <= MaxSecretBytes ? bytes[..n] : null;
    }
}
