using System.Text.Json;

namespace MarketingActors.Gateway.Ingestion;

/// <summary>
/// What the engine reads from a Segment spec message beyond its identity and name: purchase
/// value, traits, and the context fields worth keeping (page, UTM campaign, locale, device,
/// library). Everything else in context (ip aside) and <c>integrations</c> is accepted and left out.
/// </summary>
public static class SegmentSpec
{
    /// <summary>Context paths kept, and the property each becomes (UTM names so the plan normalises them like the engine's own).</summary>
    private static readonly (string Parent, string Field, string Property)[] Kept =
    [
        ("", "ip", "ip"), ("", "userAgent", "user_agent"), ("", "locale", "locale"), ("", "timezone", "timezone"),
        ("page", "path", "page_path"), ("page", "url", "page_url"), ("page", "referrer", "page_referrer"), ("page", "title", "page_title"),
        ("campaign", "name", "utm_campaign"), ("campaign", "source", "utm_source"), ("campaign", "medium", "utm_medium"),
        ("campaign", "term", "utm_term"), ("campaign", "content", "utm_content"),
        ("device", "type", "device_type"), ("os", "name", "os_name"), ("app", "version", "app_version"),
        ("library", "name", "library_name"), ("library", "version", "library_version"),
    ];

    public static IEnumerable<(string Property, string Value)> ContextFields(JsonElement context)
    {
        foreach (var (parent, field, property) in Kept)
        {
            var holder = context;
            if (parent.Length > 0 && !(context.TryGetProperty(parent, out holder) && holder.ValueKind == JsonValueKind.Object)) continue;
            if (holder.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
                yield return (property, text);
        }
    }

    /// <summary>The message's traits: its own (identify, group) and those its context carries (any message).</summary>
    public static IEnumerable<JsonElement> TraitsOf(JsonElement message)
    {
        if (message.TryGetProperty("traits", out var traits) && traits.ValueKind == JsonValueKind.Object) yield return traits;
        if (message.TryGetProperty("context", out var context) && context.ValueKind == JsonValueKind.Object
            && context.TryGetProperty("traits", out var contextTraits) && contextTraits.ValueKind == JsonValueKind.Object)
            yield return contextTraits;
    }

    /// <summary>The e-commerce spec's money fields, in its order of precedence: revenue, then value, then total.</summary>
    public static decimal? ValueOf(JsonElement properties)
    {
        foreach (var name in (ReadOnlySpan<string>)["revenue", "value", "total"])
        {
            if (properties.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var amount) && amount is >= 0 and <= 1_000_000_000m)
                return amount;
        }
        return null;
    }
}

/// <summary>
/// The time an SDK's message happened, corrected for the device's clock the way Segment does:
/// receivedAt − (sentAt − originalTimestamp). A device whose clock runs an hour fast stamps both
/// its event and its send an hour ahead; the difference between them is true, the server's receive
/// time anchors it.
/// </summary>
public static class SegmentClock
{
    public static (DateTimeOffset? At, string? Error) Corrected(JsonElement message, DateTimeOffset? batchSentAt, DateTimeOffset receivedAt)
    {
        if (EventParser.TimestampOf(message, "originalTimestamp", out var original) is { } e1) return (null, e1);
        if (EventParser.TimestampOf(message, "timestamp", out var timestamp) is { } e2) return (null, e2);
        if (EventParser.TimestampOf(message, "sentAt", out var sentAt) is { } e3) return (null, e3);
        var happened = original ?? timestamp;
        var sent = sentAt ?? batchSentAt;
        if (happened is null) return (null, null);
        return sent is null ? (happened, null) : (receivedAt - (sent.Value - happened.Value), null);
    }
}
