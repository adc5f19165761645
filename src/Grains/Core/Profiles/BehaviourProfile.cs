using System.Collections.ObjectModel;
using MarketingActors.Events;

namespace MarketingActors.Core.Profiles;

/// <summary>
/// Everything the engine knows about one customer's behaviour, updated in O(1) per event and
/// bounded in size: decayed counters per event family, recency / frequency / monetary value,
/// per-channel engagement, recent contacts, consent and identify traits.
/// </summary>
[GenerateSerializer, Alias("ma.behaviour-profile")]
public sealed class BehaviourProfile
{
    public const int MaxTraits = 64;

    [Id(0)] public DecayedCounters Engagement { get; set; } = new();
    [Id(1)] public DecayedCounters Intent { get; set; } = new();
    [Id(2)] public DecayedCounters Conversions { get; set; } = new();
    [Id(3)] public DecayedCounters Contacts { get; set; } = new();
    [Id(4)] public DateTimeOffset? FirstSeen { get; set; }
    [Id(5)] public DateTimeOffset? LastSeen { get; set; }
    [Id(6)] public DateTimeOffset? LastEngagementAt { get; set; }
    [Id(7)] public long EventCount { get; set; }
    [Id(8)] public long UnknownEventCount { get; set; }
    [Id(9)] public long ConversionCount { get; set; }
    [Id(10)] public decimal MonetaryValue { get; set; }
    [Id(12)] public ContactHistory ContactHistory { get; set; } = new();

    // Most customers never touch a channel, a consent or a trait, and a million live customers
    // would carry three empty dictionaries each: they are made on the first entry.
    [Id(11)] private Dictionary<string, ChannelEngagement>? _channels;
    [Id(13)] private Dictionary<string, bool>? _consent;
    [Id(14)] private Dictionary<string, string>? _traits;

    public IReadOnlyDictionary<string, ChannelEngagement> Channels => (IReadOnlyDictionary<string, ChannelEngagement>?)_channels ?? ReadOnlyDictionary<string, ChannelEngagement>.Empty;
    public IReadOnlyDictionary<string, bool> Consent => (IReadOnlyDictionary<string, bool>?)_consent ?? ReadOnlyDictionary<string, bool>.Empty;
    public IReadOnlyDictionary<string, string> Traits => (IReadOnlyDictionary<string, string>?)_traits ?? ReadOnlyDictionary<string, string>.Empty;

    public string? Locale => Traits.GetValueOrDefault("locale");
    public string? TimeZone => Traits.GetValueOrDefault("timezone");

    public void Apply(MarketingEvent e, EventKind kind)
    {
        var at = e.Timestamp;
        EventCount++;
        if (e.UnknownType) UnknownEventCount++;
        FirstSeen = FirstSeen is null || at < FirstSeen ? at : FirstSeen;
        LastSeen = LastSeen is null || at > LastSeen ? at : LastSeen;

        switch (kind.Family)
        {
            case EventFamily.Engagement:
                RecordEngagement(at);
                break;
            case EventFamily.Intent:
                RecordEngagement(at);
                Intent.Add(at);
                break;
            case EventFamily.Conversion:
                RecordEngagement(at);
                Conversions.Add(at);
                ConversionCount++;
                MonetaryValue += Math.Max(0, e.Value ?? 0);
                break;
            case EventFamily.Contact:
                Contacts.Add(at);
                break;
        }

        var channel = kind.Channel ?? e.Channel;
        if (kind.Interaction != ChannelInteraction.None && channel is not null)
        {
            ChannelOf(channel).Record(kind.Interaction);
            if (kind.Interaction == ChannelInteraction.Sent) ContactHistory.Record(channel, at);
        }

        switch (kind.Type)
        {
            case EventCatalog.Identify:
            case EventCatalog.Group:
                MergeTraits(e.Properties);
                break;
            case EventCatalog.ConsentGranted:
                SetConsent(e, granted: true);
                break;
            case EventCatalog.ConsentRevoked:
            case EventCatalog.Unsubscribe:
            case EventCatalog.Complaint:
                SetConsent(e, granted: false);
                break;
        }
    }

    /// <summary>Records that we contacted the customer (a delivered action), for caps and counters.</summary>
    public void RecordContact(string channel, DateTimeOffset at)
    {
        Contacts.Add(at);
        ContactHistory.Record(channel, at);
        ChannelOf(channel).Record(ChannelInteraction.Sent);
    }

    public ChannelEngagement ChannelOf(string channel)
    {
        _channels ??= [];
        if (!_channels.TryGetValue(channel, out var stats))
        {
            stats = new ChannelEngagement();
            _channels[channel] = stats;
        }
        return stats;
    }

    /// <summary>Sets an identify trait, within <see cref="MaxTraits"/> (a known trait may always change).</summary>
    public void SetTrait(string key, string value)
    {
        _traits ??= [];
        if (_traits.ContainsKey(key) || _traits.Count < MaxTraits) _traits[key] = value;
    }

    public double AffinityFor(string channel) =>
        _channels is not null && _channels.TryGetValue(channel, out var stats) ? stats.Affinity : ChannelEngagement.NoEvidenceAffinity;

    /// <summary>
    /// Consent for one purpose on a channel ("email:marketing"): an explicit answer for the purpose
    /// wins over the channel-wide one, except that a channel-wide revocation stops every purpose.
    /// </summary>
    public bool HasConsent(string channel, string purpose) =>
        _consent is not null && _consent.TryGetValue($"{channel}:{purpose}", out var forPurpose)
            ? forPurpose && !(Consent.TryGetValue(channel, out var channelWide) && !channelWide)
            : HasConsent(channel);

    public const string MarketingPurpose = "marketing";

    /// <summary>
    /// Outbound channels (email, sms, push) need an explicit opt-in; channels the customer comes
    /// to (web, app) and paid media are allowed until revoked.
    /// </summary>
    public bool HasConsent(string channel) =>
        Consent.TryGetValue(channel, out var granted)
            ? granted
            : !EventCatalog.OutboundChannels.Contains(channel);

    /// <summary>Combines another profile of the same person (alias merge): nothing of either is lost.</summary>
    public void MergeFrom(BehaviourProfile other)
    {
        Engagement.MergeFrom(other.Engagement);
        Intent.MergeFrom(other.Intent);
        Conversions.MergeFrom(other.Conversions);
        Contacts.MergeFrom(other.Contacts);
        FirstSeen = Min(FirstSeen, other.FirstSeen);
        LastSeen = Max(LastSeen, other.LastSeen);
        LastEngagementAt = Max(LastEngagementAt, other.LastEngagementAt);
        EventCount += other.EventCount;
        UnknownEventCount += other.UnknownEventCount;
        ConversionCount += other.ConversionCount;
        MonetaryValue += other.MonetaryValue;
        foreach (var (channel, stats) in other.Channels) ChannelOf(channel).MergeFrom(stats);
        ContactHistory.MergeFrom(other.ContactHistory);
        // The known profile's explicit choices win; the anonymous profile fills gaps.
        foreach (var (channel, granted) in other.Consent) (_consent ??= []).TryAdd(channel, granted);
        foreach (var (key, value) in other.Traits)
        {
            if (!Traits.ContainsKey(key)) SetTrait(key, value);
        }
    }

    private void RecordEngagement(DateTimeOffset at)
    {
        Engagement.Add(at);
        LastEngagementAt = Max(LastEngagementAt, at);
    }

    private void MergeTraits(Dictionary<string, string> traits)
    {
        foreach (var (key, value) in traits)
        {
            if (key.StartsWith("consent.", StringComparison.Ordinal))
            {
                (_consent ??= [])[key["consent.".Length..]] = bool.TryParse(value, out var granted) && granted;
                continue;
            }
            SetTrait(key, value);
        }
    }

    private void SetConsent(MarketingEvent e, bool granted)
    {
        var channel = e.Properties.GetValueOrDefault("channel") ?? e.Channel ?? "email";
        var purpose = e.Properties.GetValueOrDefault("purpose");
        (_consent ??= [])[string.IsNullOrEmpty(purpose) ? channel : $"{channel}:{purpose}"] = granted;
    }

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;
    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
