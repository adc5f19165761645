namespace MarketingActors.Events;

/// <summary>What an event means for a customer's behaviour; drives which counters it moves.</summary>
public enum EventFamily
{
    /// <summary>The customer did something on their own (view, open, click, app open).</summary>
    Engagement,
    /// <summary>Engagement that signals purchase intent (add to cart, checkout).</summary>
    Intent,
    /// <summary>The objective happened (purchase, signup).</summary>
    Conversion,
    /// <summary>We reached out (message sent, ad shown).</summary>
    Contact,
    /// <summary>The customer ignored or dismissed an outreach.</summary>
    Skip,
    /// <summary>Profile and consent bookkeeping (identify, alias, consent, delivery receipts).</summary>
    Profile,
}

/// <summary>How an event relates to a channel's outreach, for per-channel engagement.</summary>
public enum ChannelInteraction
{
    None,
    Sent,
    Opened,
    Clicked,
    Skipped,
}

public sealed record EventKind(string Type, EventFamily Family, string? Channel, ChannelInteraction Interaction);

/// <summary>
/// The canonical event vocabulary of the tracking plan. Gateways normalise incoming names onto
/// these types; customer grains read their meaning from here. One table, shared by both sides.
/// </summary>
public static class EventCatalog
{
    public const string Identify = "identify";
    public const string Alias = "alias";
    /// <summary>The property of an alias naming the profile it links (Segment's previousId).</summary>
    public const string PreviousIdProperty = "previousId";
    /// <summary>
    /// The anonymous id an analytics SDK sent beside the user id: the first event that carries
    /// both links the anonymous profile to the known one, like an alias.
    /// </summary>
    public const string AnonymousIdProperty = "anonymousId";
    /// <summary>Marks the engine's own delivery receipts (action_delivered / action_failed from its outbox): bookkeeping of a decision, not behaviour of the customer.</summary>
    public const string EngineReceiptProperty = "ma_engine_receipt";
    /// <summary>Account (group) traits of the customer, stored as "group.*" traits.</summary>
    public const string Group = "group";
    public const string ScreenView = "screen_view";
    public const string ConsentGranted = "consent_granted";
    public const string ConsentRevoked = "consent_revoked";
    public const string Unsubscribe = "unsubscribe";
    /// <summary>The customer marked a message as spam (a mailbox feedback loop, an SMS "report junk").</summary>
    public const string Complaint = "complaint";
    public const string ActionDelivered = "action_delivered";
    public const string ActionFailed = "action_failed";
    public const string Purchase = "purchase";

    private static readonly EventKind[] Kinds =
    [
        new("page_view", EventFamily.Engagement, "web", ChannelInteraction.None),
        new("product_view", EventFamily.Engagement, "web", ChannelInteraction.None),
        new("search", EventFamily.Engagement, "web", ChannelInteraction.None),
        new("app_open", EventFamily.Engagement, "app", ChannelInteraction.None),
        new(ScreenView, EventFamily.Engagement, "app", ChannelInteraction.None),
        new("add_to_cart", EventFamily.Intent, "web", ChannelInteraction.None),
        new("checkout_started", EventFamily.Intent, "web", ChannelInteraction.None),
        new(Purchase, EventFamily.Conversion, null, ChannelInteraction.None),
        new("signup", EventFamily.Conversion, null, ChannelInteraction.None),
        new("email_sent", EventFamily.Contact, "email", ChannelInteraction.Sent),
        new("email_opened", EventFamily.Engagement, "email", ChannelInteraction.Opened),
        new("email_clicked", EventFamily.Engagement, "email", ChannelInteraction.Clicked),
        new("email_skipped", EventFamily.Skip, "email", ChannelInteraction.Skipped),
        new("sms_sent", EventFamily.Contact, "sms", ChannelInteraction.Sent),
        new("sms_clicked", EventFamily.Engagement, "sms", ChannelInteraction.Clicked),
        new("sms_skipped", EventFamily.Skip, "sms", ChannelInteraction.Skipped),
        new("push_sent", EventFamily.Contact, "push", ChannelInteraction.Sent),
        new("push_opened", EventFamily.Engagement, "push", ChannelInteraction.Opened),
        new("push_dismissed", EventFamily.Skip, "push", ChannelInteraction.Skipped),
        new("ad_impression", EventFamily.Contact, "ads", ChannelInteraction.Sent),
        new("ad_clicked", EventFamily.Engagement, "ads", ChannelInteraction.Clicked),
        new("ad_skipped", EventFamily.Skip, "ads", ChannelInteraction.Skipped),
        new(Identify, EventFamily.Profile, null, ChannelInteraction.None),
        new(Alias, EventFamily.Profile, null, ChannelInteraction.None),
        new(Group, EventFamily.Profile, null, ChannelInteraction.None),
        new(ConsentGranted, EventFamily.Profile, null, ChannelInteraction.None),
        new(ConsentRevoked, EventFamily.Profile, null, ChannelInteraction.None),
        new(Unsubscribe, EventFamily.Profile, null, ChannelInteraction.None),
        new(Complaint, EventFamily.Profile, null, ChannelInteraction.None),
        new(ActionDelivered, EventFamily.Profile, null, ChannelInteraction.None),
        new(ActionFailed, EventFamily.Profile, null, ChannelInteraction.None),
    ];

    private static readonly Dictionary<string, EventKind> ByType = Kinds.ToDictionary(k => k.Type, StringComparer.Ordinal);

    /// <summary>The kind an unknown type gets in lenient mode: counted, but it moves no behaviour counter.</summary>
    public static readonly EventKind Unknown = new("unknown", EventFamily.Profile, null, ChannelInteraction.None);

    public static IReadOnlyCollection<string> CanonicalTypes => ByType.Keys;

    public static bool IsKnown(string type) => ByType.ContainsKey(type);

    public static EventKind KindOf(string type) => ByType.GetValueOrDefault(type) ?? Unknown;

    /// <summary>Channels on which we reach out to the customer, as opposed to channels the customer comes to.</summary>
    public static readonly string[] OutboundChannels = ["email", "sms", "push"];

    public static readonly string[] KnownChannels = ["email", "sms", "push", "ads", "web", "app"];
}
