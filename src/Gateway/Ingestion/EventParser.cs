using System.Globalization;
using System.Text.Json;
using MarketingActors.Events;
using MarketingActors.Gateway.Endpoints;

namespace MarketingActors.Gateway.Ingestion;

/// <summary>One parsed element of a request: a normalised event, or the reason it was rejected.</summary>
public readonly record struct ParsedEvent(string EventId, MarketingEvent? Event, string? Reason, string? Detail);

/// <summary>
/// Turns one JSON event into a <see cref="MarketingEvent"/> through the tracking plan, or a
/// machine-readable rejection. Never throws on bad input.
/// </summary>
public sealed class EventParser(TrackingPlanOptions options, EventNormalizer normalizer, TimeProvider clock)
{
    public ParsedEvent Parse(JsonElement element)
    {
        try
        {
            return ParseObject(element);
        }
        catch (InvalidOperationException)
        {
            // JsonElement.GetString refuses an escaped unpaired surrogate: one bad event, not a failed request.
            return Reject("", RequestText.InvalidText, "a string of this event is not valid Unicode text (an unpaired surrogate)");
        }
    }

    private ParsedEvent ParseObject(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object) return Reject("", "invalid_event", "each event must be a JSON object");
        var eventId = Text(element, "eventId") ?? Text(element, "messageId");
        if (string.IsNullOrWhiteSpace(eventId)) return Reject("", "missing_event_id", "eventId is required");
        if (eventId.Length > options.MaxIdLength) return Reject(Truncate(eventId), "id_too_long", $"eventId is longer than {options.MaxIdLength}");
        if (!RequestText.IsValidId(eventId, options.MaxIdLength)) return Reject("", RequestText.InvalidText, "eventId: " + RequestText.IdRule(options.MaxIdLength));
        var customerId = Text(element, "customerId") ?? Text(element, "userId") ?? Text(element, "anonymousId");
        if (string.IsNullOrWhiteSpace(customerId)) return Reject(eventId, "missing_customer_id", "customerId is required");
        if (customerId.Length > options.MaxIdLength) return Reject(eventId, "id_too_long", $"customerId is longer than {options.MaxIdLength}");
        if (!RequestText.IsValidId(customerId, options.MaxIdLength)) return Reject(eventId, RequestText.InvalidText, "customerId: " + RequestText.IdRule(options.MaxIdLength));
        var rawType = Text(element, "type") ?? Text(element, "event");
        if (string.IsNullOrWhiteSpace(rawType)) return Reject(eventId, "missing_type", "type is required");
        if (rawType.Length > options.MaxIdLength) return Reject(eventId, "type_too_long", $"type is longer than {options.MaxIdLength}");

        var type = normalizer.Canonical(rawType);
        if (type is null && options.Strict) return Reject(eventId, "unknown_event_type", $"'{rawType}' is not in the tracking plan");

        var now = clock.GetUtcNow();
        var timestamp = now;
        if (element.TryGetProperty("timestamp", out var ts) && ts.ValueKind != JsonValueKind.Null)
        {
            if (ts.ValueKind != JsonValueKind.String || !DateTimeOffset.TryParse(ts.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out timestamp))
                return Reject(eventId, "invalid_timestamp", "timestamp must be an ISO-8601 date-time");
            if (timestamp > now + options.MaxFutureSkew) return Reject(eventId, "timestamp_in_future", $"timestamp is more than {options.MaxFutureSkew} ahead of the server clock");
            if (timestamp < now - options.MaxAge) return Reject(eventId, "timestamp_too_old", $"timestamp is more than {options.MaxAge.TotalDays} days old");
        }

        var channel = Text(element, "channel")?.Trim().ToLowerInvariant();
        if (channel is not null && !EventCatalog.KnownChannels.Contains(channel))
            return Reject(eventId, "unknown_channel", $"channel must be one of {string.Join(", ", EventCatalog.KnownChannels)}");

        decimal? value = null;
        if (element.TryGetProperty("value", out var v) && v.ValueKind != JsonValueKind.Null)
        {
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetDecimal(out var parsed) || parsed < 0 || parsed > 1_000_000_000m)
                return Reject(eventId, "invalid_value", "value must be a non-negative number");
            value = parsed;
        }

        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        var propertySources = new[] { "properties", "traits", "context" };
        foreach (var source in propertySources)
        {
            if (!element.TryGetProperty(source, out var props) || props.ValueKind == JsonValueKind.Null) continue;
            if (props.ValueKind != JsonValueKind.Object) return Reject(eventId, "invalid_properties", $"{source} must be an object");
            foreach (var p in props.EnumerateObject())
            {
                if (properties.Count >= options.MaxProperties) return Reject(eventId, "too_many_properties", $"at most {options.MaxProperties} properties");
                if (p.Name.Length > options.MaxIdLength) return Reject(eventId, "property_too_large", $"property name longer than {options.MaxIdLength}");
                var text = p.Value.ValueKind switch
                {
                    JsonValueKind.String => p.Value.GetString()!,
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => p.Value.GetRawText(),
                    JsonValueKind.Null => null,
                    _ => "\u0000",
                };
                if (text is null) continue;
                if (text == "\u0000") return Reject(eventId, "invalid_properties", $"property '{p.Name}' must be a string, number or boolean");
                if (text.Length > options.MaxPropertyValueLength) return Reject(eventId, "property_too_large", $"property '{p.Name}' is longer than {options.MaxPropertyValueLength}");
                if (!RequestText.IsValidText(text) || !RequestText.IsValidText(p.Name)) return Reject(eventId, RequestText.InvalidText, $"property '{p.Name}' holds U+0000");
                properties[p.Name] = EventNormalizer.NormalizeProperty(p.Name, text);
            }
        }

        var campaignId = Text(element, "campaignId");
        var decisionId = Text(element, "decisionId");
        if (campaignId?.Length > options.MaxIdLength || decisionId?.Length > options.MaxIdLength)
            return Reject(eventId, "id_too_long", $"campaignId and decisionId are at most {options.MaxIdLength} characters");
        if (campaignId is not null && !RequestText.IsValidId(campaignId, options.MaxIdLength) || decisionId is not null && !RequestText.IsValidId(decisionId, options.MaxIdLength))
            return Reject(eventId, RequestText.InvalidText, "campaignId and decisionId: " + RequestText.IdRule(options.MaxIdLength));

        return new ParsedEvent(eventId, new MarketingEvent
        {
            EventId = eventId,
            CustomerId = customerId,
            Type = type ?? EventNormalizer.SnakeCase(rawType),
            UnknownType = type is null,
            Channel = channel,
            Timestamp = timestamp.ToUniversalTime(),
            Properties = properties,
            CampaignId = campaignId,
            DecisionId = decisionId,
            Value = value,
        }, null, null);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    private static ParsedEvent Reject(string eventId, string reason, string detail) => new(eventId, null, reason, detail);

    private static string Truncate(string id) => id[..Math.Min(id.Length, 64)];
}
