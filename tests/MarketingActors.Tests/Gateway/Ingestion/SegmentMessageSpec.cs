using System.Text.Json;
using MarketingActors.Events;
using MarketingActors.Gateway.Ingestion;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Gateway.Ingestion;

/// <summary>The Segment spec's fields, understood rather than rejected.</summary>
public class SegmentMessageSpec
{
    private static readonly DateTimeOffset Now = new(2025, 6, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly EventParser Parser = new(new FixedOptions<TrackingPlanOptions>(new TrackingPlanOptions()), new FixedClock(Now));

    private static ParsedEvent Parse(string json, string? route = null, DateTimeOffset? sentAt = null)
    {
        using var doc = JsonDocument.Parse(json);
        return Parser.ParseSegment(doc.RootElement.Clone(), route, sentAt);
    }

    private static MarketingEvent Accepted(string json, string? route = null, DateTimeOffset? sentAt = null)
    {
        var parsed = Parse(json, route, sentAt);
        Assert.True(parsed.Event is not null, $"{parsed.Reason}: {parsed.Detail}");
        return parsed.Event!;
    }

    [Theory]
    [InlineData("Product Viewed", "product_view")]
    [InlineData("Product Added", "add_to_cart")]
    [InlineData("Checkout Started", "checkout_started")]
    [InlineData("Order Completed", "purchase")]
    [InlineData("Products Searched", "search")]
    [InlineData("Application Opened", "app_open")]
    [InlineData("Signed Up", "signup")]
    public void The_e_commerce_specs_standard_names_map_to_the_engines_types(string name, string type) =>
        Assert.Equal(type, Accepted($$"""{"type":"track","event":"{{name}}","userId":"u","messageId":"m"}""").Type);

    [Theory]
    [InlineData("page", "page_view")]
    [InlineData("screen", "screen_view")]
    [InlineData("identify", "identify")]
    [InlineData("group", "group")]
    [InlineData("alias", "alias")]
    public void Each_message_type_becomes_its_event_by_route_or_by_its_own_type(string messageType, string type)
    {
        Assert.Equal(type, Accepted("""{"userId":"u","messageId":"m"}""", route: messageType).Type);
        Assert.Equal(type, Accepted($$"""{"type":"{{messageType}}","userId":"u","messageId":"m"}""").Type);
    }

    [Fact]
    public void The_event_name_of_a_track_is_read_not_its_message_type() =>
        Assert.Equal("purchase", Accepted("""{"type":"track","event":"Order Completed","userId":"u","messageId":"m","properties":{"revenue":42.5}}""").Type);

    [Fact]
    public void A_purchase_takes_its_value_from_revenue_then_value_then_total()
    {
        Assert.Equal(42.5m, Accepted("""{"type":"track","event":"Order Completed","userId":"u","messageId":"m","properties":{"revenue":42.5,"total":50}}""").Value);
        Assert.Equal(50m, Accepted("""{"type":"track","event":"Order Completed","userId":"u","messageId":"m","properties":{"total":50}}""").Value);
    }

    [Fact]
    public void Context_is_read_for_page_utm_locale_and_library_and_nested_properties_are_left_out()
    {
        var e = Accepted("""
            {"type":"track","event":"Product Viewed","userId":"u","messageId":"m",
             "properties":{"product_id":"p1","products":[{"id":"x"}],"meta":{"a":1}},
             "context":{"ip":"10.0.0.1","locale":"de-DE","page":{"path":"/shoes"},"campaign":{"source":"Newsletter ","medium":"email"},
                        "library":{"name":"analytics-node","version":"3.1.0"},"device":{"type":"phone"},"traits":{"tier":"gold"}},
             "integrations":{"All":true},"channel":"server"}
            """);

        Assert.Equal("p1", e.Properties["product_id"]);
        Assert.False(e.Properties.ContainsKey("products"));
        Assert.Equal("/shoes", e.Properties["page_path"]);
        Assert.Equal("newsletter", e.Properties["utm_source"]);
        Assert.Equal("de-DE", e.Properties["locale"]);
        Assert.Equal("analytics-node", e.Properties["library_name"]);
        Assert.Equal("gold", e.Properties["tier"]);
        Assert.Null(e.Channel);
    }

    [Fact]
    public void Traits_keep_one_level_of_nesting_so_consent_reaches_the_profile()
    {
        var e = Accepted("""{"type":"identify","userId":"u","messageId":"m","traits":{"plan":"pro","consent":{"email":true},"address":{"city":"Oslo"}}}""");

        Assert.Equal(("pro", "true", "Oslo"), (e.Properties["plan"], e.Properties["consent.email"], e.Properties["address.city"]));
    }

    [Fact]
    public void Group_traits_are_account_traits_of_the_customer()
    {
        var e = Accepted("""{"type":"group","userId":"u","messageId":"m","groupId":"acme","traits":{"industry":"retail"}}""");

        Assert.Equal(("acme", "retail"), (e.Properties["group.id"], e.Properties["group.industry"]));
    }

    [Fact]
    public void The_user_id_names_the_customer_and_a_different_anonymous_id_beside_it_is_linked()
    {
        var e = Accepted("""{"type":"identify","userId":"u1","anonymousId":"a1","messageId":"m"}""");
        var anonymousOnly = Accepted("""{"type":"track","event":"Product Viewed","anonymousId":"a1","messageId":"m2"}""");

        Assert.Equal("u1", e.CustomerId);
        Assert.Equal("a1", e.Properties[EventCatalog.AnonymousIdProperty]);
        Assert.Equal("a1", anonymousOnly.CustomerId);
        Assert.False(anonymousOnly.Properties.ContainsKey(EventCatalog.AnonymousIdProperty));
    }

    [Fact]
    public void An_alias_carries_the_previous_id_it_merges() =>
        Assert.Equal("old-id", Accepted("""{"type":"alias","userId":"u1","previousId":"old-id","messageId":"m"}""").Properties[EventCatalog.PreviousIdProperty]);

    [Fact]
    public void A_device_clock_ahead_is_corrected_by_the_difference_between_send_and_event_time()
    {
        var deviceSent = Now.AddHours(1);
        var e = Accepted($$"""{"type":"track","event":"Product Viewed","userId":"u","messageId":"m","timestamp":"{{deviceSent.AddSeconds(-30):O}}"}""", sentAt: deviceSent);

        Assert.Equal(Now.AddSeconds(-30), e.Timestamp);
    }

    [Fact]
    public void Without_a_send_time_the_events_own_time_is_taken_and_checked_against_the_future_limit() =>
        Assert.Equal("timestamp_in_future", Parse($$"""{"type":"track","event":"Product Viewed","userId":"u","messageId":"m","timestamp":"{{Now.AddHours(1):O}}"}""").Reason);

    [Theory]
    [InlineData("""{"type":"launch","userId":"u","messageId":"m"}""", "unknown_message_type")]
    [InlineData("""{"type":"track","userId":"u","messageId":"m"}""", "missing_type")]
    [InlineData("""{"type":"track","event":"Product Viewed","messageId":"m"}""", "missing_customer_id")]
    [InlineData("""{"type":"track","event":"Product Viewed","userId":"u"}""", "missing_event_id")]
    [InlineData("""{"type":"track","event":"Spaceship Launched","userId":"u","messageId":"m"}""", "unknown_event_type")]
    public void What_cannot_be_understood_is_refused_with_a_reason(string json, string reason) =>
        Assert.Equal(reason, Parse(json).Reason);
}
