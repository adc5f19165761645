using MarketingActors.Core.Profiles;
using MarketingActors.Events;
using MarketingActors.Tests.Support;
using static MarketingActors.Tests.Support.TestCustomers;

namespace MarketingActors.Tests.Grains.Core.Profiles;

public class BehaviourProfileSpec
{
    [Fact]
    public void Identify_merges_traits_and_later_values_win()
    {
        var p = new BehaviourProfile()
            .Identify(T0, ("locale", "fr-CA"), ("plan", "pro"))
            .Identify(T0.AddHours(1), ("plan", "enterprise"), ("timezone", "Europe/Paris"));

        Assert.Equal("fr-CA", p.Locale);
        Assert.Equal("Europe/Paris", p.TimeZone);
        Assert.Equal("enterprise", p.Traits["plan"]);
        Assert.Equal(3, p.Traits.Count);
    }

    [Fact]
    public void Identify_turns_consent_keys_into_consent_instead_of_traits()
    {
        var p = new BehaviourProfile().Identify(T0, ("consent.email", "true"), ("consent.sms", "false"), ("consent.push", "yes"));

        Assert.True(p.HasConsent("email"));
        Assert.False(p.HasConsent("sms"));
        Assert.False(p.HasConsent("push")); // only a parseable "true" grants
        Assert.DoesNotContain(p.Traits.Keys, k => k.StartsWith("consent."));
    }

    [Fact]
    public void Outbound_channels_need_an_explicit_opt_in_while_others_are_allowed_until_revoked()
    {
        var p = new BehaviourProfile();
        foreach (var outbound in EventCatalog.OutboundChannels) Assert.False(p.HasConsent(outbound), outbound);
        foreach (var inbound in new[] { "ads", "web", "app" }) Assert.True(p.HasConsent(inbound), inbound);

        p.On(EventCatalog.ConsentGranted, T0, channel: "sms");
        Assert.True(p.HasConsent("sms"));
        p.On(EventCatalog.ConsentRevoked, T0, properties: new() { ["channel"] = "ads" });
        Assert.False(p.HasConsent("ads"));
    }

    [Fact]
    public void Unsubscribe_revokes_the_channel_and_defaults_to_email()
    {
        var p = new BehaviourProfile().Identify(T0, ("consent.email", "true"), ("consent.push", "true"));

        p.On(EventCatalog.Unsubscribe, T0.AddMinutes(1));
        Assert.False(p.HasConsent("email"));
        Assert.True(p.HasConsent("push"));

        p.On(EventCatalog.Unsubscribe, T0.AddMinutes(2), channel: "push");
        Assert.False(p.HasConsent("push"));
    }

    [Fact]
    public void Consent_revoked_names_the_channel_in_its_properties()
    {
        var p = new BehaviourProfile().Identify(T0, ("consent.sms", "true"));
        p.On(EventCatalog.ConsentRevoked, T0.AddMinutes(1), properties: new() { ["channel"] = "sms" });
        Assert.False(p.HasConsent("sms"));
    }

    [Fact]
    public void Traits_are_capped_but_existing_ones_can_still_change()
    {
        var p = new BehaviourProfile();
        p.Identify(T0, [.. Enumerable.Range(0, 100).Select(i => ($"t{i}", "v"))]);
        Assert.Equal(BehaviourProfile.MaxTraits, p.Traits.Count);

        p.Identify(T0, ("t0", "changed"), ("brand_new", "x"));
        Assert.Equal("changed", p.Traits["t0"]);
        Assert.False(p.Traits.ContainsKey("brand_new"));
    }

    [Fact]
    public void Each_event_family_moves_its_own_counters()
    {
        var p = new BehaviourProfile()
            .On("page_view", T0)
            .On("add_to_cart", T0)
            .On("purchase", T0, value: 30m)
            .On("email_sent", T0.AddHours(-1));

        Assert.Equal(4, p.EventCount);
        Assert.Equal(3.0, p.Engagement.ValueAt(1, T0), 9); // view, cart and purchase all count as engagement
        Assert.Equal(1.0, p.Intent.ValueAt(1, T0), 9);
        Assert.Equal(1.0, p.Conversions.ValueAt(1, T0), 9);
        Assert.Equal(1, p.ConversionCount);
        Assert.Equal(30m, p.MonetaryValue);
        Assert.True(p.Contacts.ValueAt(1, T0) > 0.9);
        Assert.Equal(1, p.ContactHistory.CountWithin("email", TimeSpan.FromDays(1), T0));
        Assert.Equal(1, p.Channels["email"].Sent);
        Assert.Equal(T0, p.LastEngagementAt);
        Assert.Equal(T0.AddHours(-1), p.FirstSeen);
        Assert.Equal(T0, p.LastSeen);
    }

    [Fact]
    public void Contacts_are_not_engagement()
    {
        var p = new BehaviourProfile().On("email_sent", T0).On("ad_impression", T0);
        Assert.Null(p.LastEngagementAt);
        Assert.Equal(0, p.Engagement.ValueAt(0, T0));
    }

    [Fact]
    public void Unknown_events_are_counted_but_move_no_behaviour_counter()
    {
        var p = new BehaviourProfile();
        p.Apply(Event("teleported", T0) with { UnknownType = true }, EventCatalog.Unknown);
        Assert.Equal(1, p.EventCount);
        Assert.Equal(1, p.UnknownEventCount);
        Assert.Equal(0, p.Engagement.ValueAt(0, T0));
    }

    [Fact]
    public void Channel_interactions_are_recorded_on_the_catalog_channel()
    {
        var p = new BehaviourProfile().On("email_skipped", T0).On("ad_clicked", T0).On("push_dismissed", T0);
        Assert.Equal(1, p.Channels["email"].Skipped);
        Assert.Equal(1, p.Channels["ads"].Clicked);
        Assert.Equal(1, p.Channels["push"].Skipped);
    }

    [Fact]
    public void A_recorded_contact_counts_for_caps_and_sends()
    {
        var p = new BehaviourProfile();
        p.RecordContact("sms", T0);
        Assert.Equal(1, p.Channels["sms"].Sent);
        Assert.Equal(1, p.ContactHistory.CountWithin("sms", TimeSpan.FromHours(1), T0));
    }

    [Fact]
    public void Merging_an_anonymous_profile_loses_nothing_of_either()
    {
        var known = new BehaviourProfile()
            .Identify(T0, ("plan", "pro"), ("consent.email", "false"))
            .On("page_view", T0.AddHours(1))
            .On("email_clicked", T0.AddHours(2))
            .On("purchase", T0.AddHours(3), value: 20m);
        var anonymous = new BehaviourProfile()
            .Identify(T0.AddHours(-5), ("plan", "free"), ("referrer", "ads"), ("consent.email", "true"), ("consent.sms", "true"))
            .On("product_view", T0.AddHours(-4))
            .On("add_to_cart", T0.AddHours(-4))
            .On("email_sent", T0.AddHours(-3))
            .On("email_clicked", T0.AddHours(-2))
            .On("purchase", T0.AddHours(-1), value: 15m);
        var at = T0.AddHours(4);
        var engagementBoth = known.Engagement.ValueAt(2, at) + anonymous.Engagement.ValueAt(2, at);
        var intentBoth = known.Intent.ValueAt(2, at) + anonymous.Intent.ValueAt(2, at);

        known.MergeFrom(anonymous);

        Assert.Equal(4 + 6, known.EventCount);
        Assert.Equal(2, known.ConversionCount);
        Assert.Equal(35m, known.MonetaryValue);
        Assert.Equal(engagementBoth, known.Engagement.ValueAt(2, at), 9);
        Assert.Equal(intentBoth, known.Intent.ValueAt(2, at), 9);
        Assert.Equal(2, known.Channels["email"].Clicked);
        Assert.Equal(1, known.Channels["email"].Sent);
        Assert.Equal(1, known.ContactHistory.CountWithin("email", TimeSpan.FromDays(1), at));
        Assert.Equal(T0.AddHours(-5), known.FirstSeen);
        Assert.Equal(T0.AddHours(3), known.LastSeen);
        Assert.Equal(T0.AddHours(3), known.LastEngagementAt); // a purchase is engagement too
        // The known profile's explicit choices win; the anonymous one fills gaps.
        Assert.Equal("pro", known.Traits["plan"]);
        Assert.Equal("ads", known.Traits["referrer"]);
        Assert.False(known.HasConsent("email"));
        Assert.True(known.HasConsent("sms"));
    }
}
