using System.Globalization;
using System.Text.Json;
using MarketingActors.Events;
using MarketingActors.Gateway.Endpoints;
using Microsoft.Extensions.Options;

namespace MarketingActors.Gateway.Ingestion;

/// <summary>One parsed element of a request: a normalised event, or the reason it was rejected.</summary>
public readonly record struct ParsedEvent(string EventId, MarketingEvent? Event, string? Reason, string? Detail);

/// <summary>
/// Turns one JSON event into a <see cref="MarketingEvent"/> through the tracking plan, or a
/// machine-readable rejection. Never throws on bad input. Two dialects: the engine's own
/// (<see cref="Parse"/>) and the Segment spec the analytics SDKs speak (<see cref="ParseSegment"/>);
/// both end in the same checks. The plan is read per event, so a changed plan (configuration
/// reload) applies to the next request and to quarantine replays.
/// </summary>
public sealed class EventParser(IOptionsMonitor<TrackingPlanOptions> plan, TimeProvider clock)
{
    private sealed record Plan(TrackingPlanOptions Options, EventNormalizer Normalizer);

    private Plan? _plan;

    private Plan Current
    {
        get
        {
            var options = plan.CurrentValue;
            var current = _plan;
            if (current?.Options != options) _plan = current = new Plan(options, new EventNormalizer(options));
            return current;
        }
    }

    /// <summary>The fields both dialects resolve before the shared checks.</summary>
    private struct Fields
    {
        public string? EventId;
        public string? CustomerId;
        public string? RawType;
        public string? Channel;
        public DateTimeOffset? Timestamp;
        public decimal? Value;
        public string? CampaignId;
        public string? DecisionId;
    }

    public ParsedEvent Parse(JsonElement element) => Guarded(element, e =>
    {
        if (e.ValueKind != JsonValueKind.Object) return Reject("", "invalid_event", "each event must be a JSON object");
        var fields = new Fields
        {
            EventId = Text(e, "eventId") ?? Text(e, "messageId"),
            CustomerId = Text(e, "customerId") ?? Text(e, "userId") ?? Text(e, "anonymousId"),
            RawType = Text(e, "type") ?? Text(e, "event"),
            Channel = Text(e, "channel")?.Trim().ToLowerInvariant(),
            CampaignId = Text(e, "campaignId"),
            DecisionId = Text(e, "decisionId"),
        };
        if (TimestampOf(e, "timestamp", out fields.Timestamp) is { } badTime) return Reject(fields.EventId ?? "", "invalid_timestamp", badTime);
        if (ValueOf(e, "value", out fields.Value) is { } badValue) return Reject(fields.EventId ?? "", "invalid_value", badValue);
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in (ReadOnlySpan<string>)["properties", "traits", "context"])
        {
            if (!e.TryGetProperty(source, out var props) || props.ValueKind == JsonValueKind.Null) continue;
            if (props.ValueKind != JsonValueKind.Object) return Reject(fields.EventId ?? "", "invalid_properties", $"{source} must be an object");
            if (AddScalars(props, "", properties, nested: NestedValues.Reject) is { } bad) return bad with { EventId = fields.EventId ?? "" };
        }
        return Build(fields, properties);
    });

    /// <summary>
    /// One Segment (or RudderStack) message: track, identify, page, screen, group or alias, as the
    /// SDKs send it. <paramref name="routeType"/> is the message type of a single-message route
    /// (/v1/track …); in a batch each message says its own. <paramref name="batchSentAt"/> is the
    /// batch's sentAt, used when the message has none.
    /// </summary>
    public ParsedEvent ParseSegment(JsonElement element, string? routeType, DateTimeOffset? batchSentAt) => Guarded(element, e =>
    {
        if (e.ValueKind != JsonValueKind.Object) return Reject("", "invalid_event", "each message must be a JSON object");
        var messageType = (routeType ?? Text(e, "type"))?.Trim().ToLowerInvariant();
        var userId = Text(e, "userId");
        var anonymousId = Text(e, "anonymousId");
        var fields = new Fields
        {
            EventId = Text(e, "messageId"),
            CustomerId = string.IsNullOrEmpty(userId) ? anonymousId : userId,
            CampaignId = Text(e, "campaignId"),
            DecisionId = Text(e, "decisionId"),
        };
        var eventId = fields.EventId ?? "";
        fields.RawType = messageType switch
        {
            "track" => Text(e, "event"),
            "identify" => EventCatalog.Identify,
            "page" => "page_view",
            "screen" => EventCatalog.ScreenView,
            "group" => EventCatalog.Group,
            "alias" => EventCatalog.Alias,
            null => null,
            _ => "\u0000",
        };
        if (fields.RawType == "\u0000") return Reject(eventId, "unknown_message_type", "type must be one of track, identify, page, screen, group, alias");
        if (messageType == "track" && string.IsNullOrWhiteSpace(fields.RawType)) return Reject(eventId, "missing_type", "a track message needs its event name in 'event'");

        // A channel the plan knows (email, push, …) is kept; the SDKs' source channels (server, browser, mobile) say nothing about marketing.
        var channel = Text(e, "channel")?.Trim().ToLowerInvariant();
        fields.Channel = channel is not null && EventCatalog.KnownChannels.Contains(channel) ? channel : null;

        var (timestamp, badTime) = SegmentClock.Corrected(e, batchSentAt, clock.GetUtcNow());
        if (badTime is not null) return Reject(eventId, "invalid_timestamp", badTime);
        fields.Timestamp = timestamp;

        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (e.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object)
        {
            if (AddScalars(props, "", properties, NestedValues.Skip) is { } bad) return bad with { EventId = eventId };
            fields.Value = SegmentSpec.ValueOf(props);
        }
        foreach (var traits in SegmentSpec.TraitsOf(e))
        {
            var prefix = messageType == "group" ? "group." : "";
            if (AddScalars(traits, prefix, properties, NestedValues.Flatten) is { } bad) return bad with { EventId = eventId };
        }
        if (messageType == "group" && Text(e, "groupId") is { } groupId) properties["group.id"] = groupId;
        if (e.TryGetProperty("context", out var context) && context.ValueKind == JsonValueKind.Object)
        {
            foreach (var (key, value) in SegmentSpec.ContextFields(context))
            {
                if (properties.Count >= Current.Options.MaxProperties) return Reject(eventId, "too_many_properties", $"at most {Current.Options.MaxProperties} properties");
                properties.TryAdd(key, EventNormalizer.NormalizeProperty(key, value));
            }
        }
        if (messageType == "alias" && Text(e, "previousId") is { } previousId) properties[EventCatalog.PreviousIdProperty] = previousId;
        else if (!string.IsNullOrEmpty(userId) && !string.IsNullOrEmpty(anonymousId) && userId != anonymousId) properties[EventCatalog.AnonymousIdProperty] = anonymousId;
        return Build(fields, properties);
    });

    /// <summary>The checks every event passes, whatever its dialect.</summary>
    private ParsedEvent Build(Fields fields, Dictionary<string, string> properties)
    {
        var (options, normalizer) = Current;
        var eventId = fields.EventId;
        if (string.IsNullOrWhiteSpace(eventId)) return Reject("", "missing_event_id", "eventId (messageId) is required");
        if (eventId.Length > options.MaxIdLength) return Reject(Truncate(eventId), "id_too_long", $"eventId is longer than {options.MaxIdLength}");
        if (!RequestText.IsValidId(eventId, options.MaxIdLength)) return Reject("", RequestText.InvalidText, "eventId: " + RequestText.IdRule(options.MaxIdLength));
        var customerId = fields.CustomerId;
        if (string.IsNullOrWhiteSpace(customerId)) return Reject(eventId, "missing_customer_id", "customerId (userId or anonymousId) is required");
        if (customerId.Length > options.MaxIdLength) return Reject(eventId, "id_too_long", $"customerId is longer than {options.MaxIdLength}");
        if (!RequestText.IsValidId(customerId, options.MaxIdLength)) return Reject(eventId, RequestText.InvalidText, "customerId: " + RequestText.IdRule(options.MaxIdLength));
        var rawType = fields.RawType;
        if (string.IsNullOrWhiteSpace(rawType)) return Reject(eventId, "missing_type", "type is required");
        if (rawType.Length > options.MaxIdLength) return Reject(eventId, "type_too_long", $"type is longer than {options.MaxIdLength}");
        var type = normalizer.Canonical(rawType);
        if (type is null && options.Strict) return Reject(eventId, "unknown_event_type", $"'{rawType}' is not in the tracking plan");

        var now = clock.GetUtcNow();
        var timestamp = fields.Timestamp ?? now;
        if (timestamp > now + options.MaxFutureSkew) return Reject(eventId, "timestamp_in_future", $"timestamp is more than {options.MaxFutureSkew} ahead of the server clock");
        if (timestamp < now - options.MaxAge) return Reject(eventId, "timestamp_too_old", $"timestamp is more than {options.MaxAge.TotalDays} days old");
        if (fields.Channel is { } channel && !EventCatalog.KnownChannels.Contains(channel))
            return Reject(eventId, "unknown_channel", $"channel must be one of {string.Join(", ", EventCatalog.KnownChannels)}");
        if (properties.Count > options.MaxProperties) return Reject(eventId, "too_many_properties", $"at most {options.MaxProperties} properties");
        foreach (var (name, text) in properties)
        {
            if (name.Length > options.MaxIdLength) return Reject(eventId, "property_too_large", $"property name longer than {options.MaxIdLength}");
            if (text.Length > options.MaxPropertyValueLength) return Reject(eventId, "property_too_large", $"property '{name}' is longer than {options.MaxPropertyValueLength}");
            if (!RequestText.IsValidText(text) || !RequestText.IsValidText(name)) return Reject(eventId, RequestText.InvalidText, $"property '{name}' holds U+0000");
        }
        if (fields.CampaignId?.Length > options.MaxIdLength || fields.DecisionId?.Length > options.MaxIdLength)
            return Reject(eventId, "id_too_long", $"campaignId and decisionId are at most {options.MaxIdLength} characters");
        if (fields.CampaignId is { } c && !RequestText.IsValidId(c, options.MaxIdLength) || fields.DecisionId is { } d && !RequestText.IsValidId(d, options.MaxIdLength))
            return Reject(eventId, RequestText.InvalidText, "campaignId and decisionId: " + RequestText.IdRule(options.MaxIdLength));

        return new ParsedEvent(eventId, new MarketingEvent
        {
            EventId = eventId,
            CustomerId = customerId,
            Type = type ?? EventNormalizer.SnakeCase(rawType),
            UnknownType = type is null,
            Channel = fields.Channel,
            Timestamp = timestamp.ToUniversalTime(),
            Properties = properties,
            CampaignId = fields.CampaignId,
            DecisionId = fields.DecisionId,
            Value = fields.Value,
        }, null, null);
    }

    private enum NestedValues
    {
        /// <summary>The engine's own format: properties are flat; a nested value is a mistake worth telling.</summary>
        Reject,
        /// <summary>Segment properties: nested values (an order's product list) are not behaviour the engine keeps.</summary>
        Skip,
        /// <summary>Segment traits: one level of nesting kept as "parent.child" (address.city, consent.email).</summary>
        Flatten,
    }

    private ParsedEvent? AddScalars(JsonElement source, string prefix, Dictionary<string, string> into, NestedValues nested)
    {
        var limit = Current.Options.MaxProperties;
        foreach (var p in source.EnumerateObject())
        {
            if (p.Value.ValueKind is JsonValueKind.Object && nested == NestedValues.Flatten && prefix.Length == 0)
            {
                if (AddScalars(p.Value, p.Name + ".", into, NestedValues.Skip) is { } bad) return bad;
                continue;
            }
            var text = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString()!,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => p.Value.GetRawText(),
                JsonValueKind.Null => null,
                _ when nested != NestedValues.Reject => null,
                _ => "\u0000",
            };
            if (text is null) continue;
            if (text == "\u0000") return Reject("", "invalid_properties", $"property '{p.Name}' must be a string, number or boolean");
            if (into.Count >= limit && !into.ContainsKey(prefix + p.Name)) return Reject("", "too_many_properties", $"at most {limit} properties");
            into[prefix + p.Name] = EventNormalizer.NormalizeProperty(p.Name, text);
        }
        return null;
    }

    private static ParsedEvent Guarded(JsonElement element, Func<JsonElement, ParsedEvent> parse)
    {
        try
        {
            return parse(element);
        }
        catch (InvalidOperationException)
        {
            // JsonElement.GetString refuses an escaped unpaired surrogate: one bad event, not a failed request.
            return Reject("", RequestText.InvalidText, "a string of this event is not valid Unicode text (an unpaired surrogate)");
        }
    }

    /// <summary>Null when the field is absent or valid; otherwise why not.</summary>
    internal static string? TimestampOf(JsonElement element, string name, out DateTimeOffset? timestamp)
    {
        timestamp = null;
        if (!element.TryGetProperty(name, out var ts) || ts.ValueKind == JsonValueKind.Null) return null;
        if (ts.ValueKind != JsonValueKind.String || !DateTimeOffset.TryParse(ts.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            return $"{name} must be an ISO-8601 date-time";
        timestamp = parsed;
        return null;
    }

    private static string? ValueOf(JsonElement element, string name, out decimal? value)
    {
        value = null;
        if (!element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDecimal(out var parsed) || parsed < 0 || parsed > 1_000_000_000m)
            return "value must be a non-negative number";
        value = parsed;
        return null;
    }

    internal static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    private static ParsedEvent Reject(string eventId, string reason, string detail) => new(eventId, null, reason, detail);

    private static string Truncate(string id) => id[..Math.Min(id.Length, 64)];
}
