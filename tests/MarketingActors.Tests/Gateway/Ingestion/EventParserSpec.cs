using System.Text.Json;
using MarketingActors.Gateway.Ingestion;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Gateway.Ingestion;

public class EventParserSpec
{
    private static readonly DateTimeOffset Now = new(2025, 6, 2, 12, 0, 0, TimeSpan.Zero);

    private static EventParser Parser(TrackingPlanOptions? options = null)
    {
        options ??= new TrackingPlanOptions();
        return new EventParser(new FixedOptions<TrackingPlanOptions>(options), new FixedClock(Now));
    }

    private static ParsedEvent Parse(string json, TrackingPlanOptions? options = null)
    {
        using var doc = JsonDocument.Parse(json);
        return Parser(options).Parse(doc.RootElement.Clone());
    }

    private static string Event(string extra = "", string type = "Email Opened") =>
        $$"""{ "eventId": "e1", "customerId": "c1", "type": "{{type}}" {{(extra == "" ? "" : ", " + extra)}} }""";

    private static void AssertRejected(ParsedEvent parsed, string reason)
    {
        Assert.Null(parsed.Event);
        Assert.Equal(reason, parsed.Reason);
        Assert.False(string.IsNullOrEmpty(parsed.Detail));
    }

    [Fact]
    public void A_well_formed_event_is_normalised_through_the_tracking_plan()
    {
        var parsed = Parse("""
            {
              "eventId": "e1", "customerId": "c1", "type": "Order Completed",
              "timestamp": "2025-06-02T13:30:00+02:00", "channel": " Email ",
              "value": 19.99, "campaignId": "spring", "decisionId": "d1",
              "properties": { "utm_source": " Newsletter ", "sku": "ABC", "qty": 2, "gift": true, "note": null }
            }
            """);

        var e = Assert.IsType<MarketingActors.Events.MarketingEvent>(parsed.Event);
        Assert.Null(parsed.Reason);
        Assert.Equal("e1", parsed.EventId);
        Assert.Equal("c1", e.CustomerId);
        Assert.Equal("purchase", e.Type);
        Assert.False(e.UnknownType);
        Assert.Equal(new DateTimeOffset(2025, 6, 2, 11, 30, 0, TimeSpan.Zero), e.Timestamp);
        Assert.Equal(TimeSpan.Zero, e.Timestamp.Offset);
        Assert.Equal("email", e.Channel);
        Assert.Equal(19.99m, e.Value);
        Assert.Equal("spring", e.CampaignId);
        Assert.Equal("d1", e.DecisionId);
        Assert.Equal(new Dictionary<string, string> { ["utm_source"] = "newsletter", ["sku"] = "ABC", ["qty"] = "2", ["gift"] = "true" }, e.Properties);
    }

    [Fact]
    public void Segment_style_field_names_are_understood()
    {
        var parsed = Parse("""{ "messageId": "m1", "userId": "u1", "event": "Product Added", "traits": { "plan": "pro" }, "context": { "utm_medium": "EMAIL" } }""");
        Assert.Equal("m1", parsed.Event?.EventId);
        Assert.Equal("u1", parsed.Event?.CustomerId);
        Assert.Equal("add_to_cart", parsed.Event?.Type);
        Assert.Equal("pro", parsed.Event?.Properties["plan"]);
        Assert.Equal("email", parsed.Event?.Properties["utm_medium"]);

        Assert.Equal("anon-1", Parse("""{ "eventId": "e1", "anonymousId": "anon-1", "type": "page_view" }""").Event?.CustomerId);
    }

    [Fact]
    public void An_event_without_a_timestamp_happens_now()
    {
        Assert.Equal(Now, Parse(Event()).Event?.Timestamp);
        Assert.Equal(Now, Parse(Event("\"timestamp\": null")).Event?.Timestamp);
    }

    [Theory]
    [InlineData("\"just a string\"")]
    [InlineData("[1, 2]")]
    [InlineData("42")]
    [InlineData("null")]
    public void Anything_but_an_object_is_an_invalid_event(string json)
    {
        AssertRejected(Parse(json), "invalid_event");
    }

    [Theory]
    [InlineData("""{ "customerId": "c1", "type": "page_view" }""", "missing_event_id")]
    [InlineData("""{ "eventId": "  ", "customerId": "c1", "type": "page_view" }""", "missing_event_id")]
    [InlineData("""{ "eventId": 7, "customerId": "c1", "type": "page_view" }""", "missing_event_id")]
    [InlineData("""{ "eventId": "e1", "type": "page_view" }""", "missing_customer_id")]
    [InlineData("""{ "eventId": "e1", "customerId": "", "type": "page_view" }""", "missing_customer_id")]
    [InlineData("""{ "eventId": "e1", "customerId": "c1" }""", "missing_type")]
    public void Missing_identifiers_are_rejected_by_name(string json, string reason)
    {
        AssertRejected(Parse(json), reason);
    }

    [Fact]
    public void Over_long_identifiers_are_rejected()
    {
        var longId = new string('x', 129);
        AssertRejected(Parse($$"""{ "eventId": "{{longId}}", "customerId": "c1", "type": "page_view" }"""), "id_too_long");
        AssertRejected(Parse($$"""{ "eventId": "e1", "customerId": "{{longId}}", "type": "page_view" }"""), "id_too_long");
        AssertRejected(Parse(Event($"\"decisionId\": \"{longId}\"")), "id_too_long");
        AssertRejected(Parse(Event(type: longId)), "type_too_long");
        Assert.Equal(64, Parse($$"""{ "eventId": "{{longId}}", "customerId": "c1", "type": "page_view" }""").EventId.Length);
    }

    [Fact]
    public void An_unknown_type_is_rejected_in_strict_mode()
    {
        var parsed = Parse(Event(type: "Teleported Home"));
        AssertRejected(parsed, "unknown_event_type");
        Assert.Equal("e1", parsed.EventId);
    }

    [Fact]
    public void An_unknown_type_is_accepted_and_flagged_in_lenient_mode()
    {
        var parsed = Parse(Event(type: "Teleported Home"), new TrackingPlanOptions { Strict = false });
        Assert.Null(parsed.Reason);
        Assert.True(parsed.Event?.UnknownType);
        Assert.Equal("teleported_home", parsed.Event?.Type);
        Assert.False(Parse(Event(), new TrackingPlanOptions { Strict = false }).Event?.UnknownType);
    }

    [Theory]
    [InlineData("2025-06-02T12:04:59Z", null)]
    [InlineData("2025-06-02T12:05:01Z", "timestamp_in_future")]
    [InlineData("2025-06-03T12:00:00Z", "timestamp_in_future")]
    [InlineData("2025-03-05T12:00:00Z", null)]
    [InlineData("2025-03-03T11:59:59Z", "timestamp_too_old")]
    [InlineData("2020-01-01T00:00:00Z", "timestamp_too_old")]
    [InlineData("2025-06-02T12:00:00", null)]
    [InlineData("yesterday", "invalid_timestamp")]
    [InlineData("", "invalid_timestamp")]
    public void Timestamps_must_be_recent_and_not_too_far_ahead_of_the_server_clock(string timestamp, string? reason)
    {
        var parsed = Parse(Event($"\"timestamp\": \"{timestamp}\""));
        if (reason is null)
        {
            Assert.Null(parsed.Reason);
            Assert.Equal(DateTimeOffset.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal), parsed.Event?.Timestamp);
        }
        else AssertRejected(parsed, reason);
    }

    [Fact]
    public void A_numeric_timestamp_is_invalid()
    {
        AssertRejected(Parse(Event("\"timestamp\": 1717329600")), "invalid_timestamp");
    }

    [Fact]
    public void Skew_and_age_limits_come_from_the_options()
    {
        var options = new TrackingPlanOptions { MaxFutureSkew = TimeSpan.Zero, MaxAge = TimeSpan.FromDays(1) };
        AssertRejected(Parse(Event("\"timestamp\": \"2025-06-02T12:00:01Z\""), options), "timestamp_in_future");
        AssertRejected(Parse(Event("\"timestamp\": \"2025-06-01T11:59:59Z\""), options), "timestamp_too_old");
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("\"12\"")]
    [InlineData("true")]
    [InlineData("1000000001")]
    public void Invalid_values_are_rejected(string value)
    {
        AssertRejected(Parse(Event($"\"value\": {value}")), "invalid_value");
    }

    [Fact]
    public void An_unknown_channel_is_rejected()
    {
        AssertRejected(Parse(Event("\"channel\": \"fax\"")), "unknown_channel");
    }

    [Fact]
    public void Too_many_properties_are_rejected_across_all_property_sources()
    {
        var props = string.Join(", ", Enumerable.Range(0, 40).Select(i => $"\"p{i}\": \"v\""));
        var traits = string.Join(", ", Enumerable.Range(0, 25).Select(i => $"\"t{i}\": \"v\""));
        AssertRejected(Parse(Event($"\"properties\": {{ {props} }}, \"traits\": {{ {traits} }}")), "too_many_properties");

        var exactly = string.Join(", ", Enumerable.Range(0, 64).Select(i => $"\"p{i}\": \"v\""));
        Assert.Equal(64, Parse(Event($"\"properties\": {{ {exactly} }}")).Event?.Properties.Count);
    }

    [Fact]
    public void A_huge_property_value_or_name_is_rejected()
    {
        AssertRejected(Parse(Event($"\"properties\": {{ \"note\": \"{new string('x', 2049)}\" }}")), "property_too_large");
        AssertRejected(Parse(Event($"\"properties\": {{ \"{new string('k', 129)}\": \"v\" }}")), "property_too_large");
        Assert.NotNull(Parse(Event($"\"properties\": {{ \"note\": \"{new string('x', 2048)}\" }}")).Event);
    }

    [Theory]
    [InlineData("\"properties\": [1, 2]")]
    [InlineData("\"traits\": \"plan=pro\"")]
    [InlineData("\"properties\": { \"nested\": { \"a\": 1 } }")]
    [InlineData("\"properties\": { \"list\": [1] }")]
    public void Properties_must_be_a_flat_object_of_scalars(string extra)
    {
        AssertRejected(Parse(Event(extra)), "invalid_properties");
    }
}
