using System.Text;
using System.Text.Json;
using CsCheck;
using MarketingActors.Events;
using MarketingActors.Storage;

namespace MarketingActors.Tests.Grains.Storage;

public sealed class JournalPayloadSpec
{
    private static MarketingEvent Sample(string text, decimal? value, DateTimeOffset at, Dictionary<string, string> properties) => new()
    {
        EventId = "evt-" + text,
        CustomerId = "cust " + text,
        Type = "product_view",
        Channel = text,
        Timestamp = at,
        Properties = properties,
        CampaignId = text.Length % 2 == 0 ? null : "camp-" + text,
        DecisionId = text.Length % 3 == 0 ? null : "dec-" + text,
        Value = value,
        UnknownType = text.Length % 5 == 0,
    };

    private static MarketingEvent ReadBack(MarketingEvent e) => JournalPayload.Read(JournalPayload.Of(e), e.CustomerId, e.EventId);

    private static void AssertSameEvent(MarketingEvent expected, MarketingEvent actual)
    {
        // Records compare dictionaries by reference: the fields with one shared dictionary, then the properties by content.
        var none = new Dictionary<string, string>();
        Assert.Equal(expected with { Properties = none }, actual with { Properties = none });
        Assert.Equal(expected.Properties, actual.Properties);
        // Equality compares instants and amounts; the offset and the scale are what the sender wrote too.
        Assert.Equal(expected.Timestamp.Offset, actual.Timestamp.Offset);
        Assert.Equal(expected.Value?.Scale, actual.Value?.Scale);
    }

    [Fact]
    public void An_event_reads_back_whole_from_a_payload_without_the_ids_its_row_already_holds()
    {
        var e = Sample("é☕ <b>&'\"", 12.50m, new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.FromHours(2)), new() { ["sku"] = "sku-1", ["utm_source"] = "mail" });

        var payload = JournalPayload.Of(e);
        var back = JournalPayload.Read(payload, e.CustomerId, e.EventId);

        AssertSameEvent(e, back);
        Assert.Equal("12.50", back.Value!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(TimeSpan.FromHours(2), back.Timestamp.Offset);
        var text = Encoding.UTF8.GetString(payload);
        Assert.DoesNotContain(e.EventId, text);
        Assert.DoesNotContain(e.CustomerId, text);
    }

    [Fact]
    public void Every_field_of_an_event_is_one_the_format_keeps()
    {
        // A field added to MarketingEvent is not journaled until JournalPayload writes and reads it (a new format byte).
        string[] kept = ["EventId", "CustomerId", "Type", "Channel", "Timestamp", "Properties", "CampaignId", "DecisionId", "Value", "UnknownType"];

        Assert.Equal(kept.Order(), typeof(MarketingEvent).GetProperties().Select(p => p.Name).Order());
    }

    [Fact]
    public void A_page_view_takes_a_fifth_of_the_bytes_the_json_rows_took()
    {
        var e = new MarketingEvent
        {
            EventId = "r1796632563-1-123", CustomerId = "cust-000123", Type = "page_view", Channel = "web",
            Timestamp = new DateTimeOffset(2026, 12, 7, 8, 0, 0, 123, TimeSpan.Zero), Properties = new() { ["sku"] = "sku-0042" },
        };

        var payload = JournalPayload.Of(e);

        Assert.InRange(payload.Length, 1, JsonSerializer.SerializeToUtf8Bytes(e).Length / 5);
        AssertSameEvent(e, JournalPayload.Read(payload, e.CustomerId, e.EventId));
    }

    [Fact]
    public void Any_event_reads_back_whole_even_text_that_is_not_valid_unicode() =>
        Gen.Select(Gen.String, Gen.Decimal.Nullable(), Gen.DateTimeOffset, Gen.Dictionary(Gen.String, Gen.String)).Sample((text, value, at, properties) =>
        {
            var e = Sample(text, value, at, properties);
            AssertSameEvent(e, ReadBack(e));
        });

    [Fact]
    public void An_unpaired_surrogate_is_kept_as_it_was_not_repaired()
    {
        var e = Sample("lone \ud800 half", null, DateTimeOffset.UnixEpoch, new() { ["k\udc00"] = "v\ud800" });

        var back = ReadBack(e);

        Assert.Equal("lone \ud800 half", back.Channel);
        Assert.Equal("v\ud800", back.Properties["k\udc00"]);
    }

    [Fact]
    public void Rows_journaled_as_json_before_the_binary_format_still_replay()
    {
        const string row = """{"EventId":"evt-1","CustomerId":"cust-1","Type":"purchase","Channel":"web","Timestamp":"2026-11-30T09:15:00+00:00","Properties":{"sku":"sku-9"},"CampaignId":"spring","DecisionId":null,"Value":80.5,"UnknownType":false}""";

        var e = JournalPayload.Read(Encoding.UTF8.GetBytes(row), "cust-1", "evt-1");

        Assert.Equal(("evt-1", "cust-1", "purchase", 80.5m), (e.EventId, e.CustomerId, e.Type, e.Value));
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 9, 15, 0, TimeSpan.Zero), e.Timestamp);
        Assert.Equal("sku-9", e.Properties["sku"]);
        Assert.Null(e.DecisionId);
    }

    [Fact]
    public void Json_rows_for_a_rolling_upgrade_are_byte_for_byte_what_older_versions_wrote_and_read() =>
        Gen.Select(Gen.String, Gen.Decimal.Nullable(), Gen.DateTimeOffset, Gen.Dictionary(Gen.String, Gen.String)).Sample((text, value, at, properties) =>
        {
            var e = Sample(text, value, at, properties);
            var payload = JournalPayload.Of(e, JournalRowFormat.Json);
            Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(e), payload);
            AssertSameEvent(e, JournalPayload.Read(payload, e.CustomerId, e.EventId));
        });

    [Theory]
    [InlineData("null")]
    [InlineData("")]
    [InlineData("\u0002binary of a later format")]
    public void A_row_in_no_known_format_is_refused_rather_than_replayed_as_something(string row) =>
        Assert.Throws<InvalidDataException>(() => JournalPayload.Read(Encoding.UTF8.GetBytes(row), "cust-1", "evt-1"));

    [Fact]
    public void A_truncated_or_extended_row_is_refused_at_every_length()
    {
        var e = Sample("cut", 3.25m, new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.FromMinutes(-330)), new() { ["sku"] = "sku-1", ["page"] = "/p/☕" });
        var payload = JournalPayload.Of(e);

        for (var length = 1; length < payload.Length; length++)
        {
            var cut = payload[..length];
            Assert.Throws<InvalidDataException>(() => JournalPayload.Read(cut, e.CustomerId, e.EventId));
        }
        Assert.Throws<InvalidDataException>(() => JournalPayload.Read([.. payload, 0], e.CustomerId, e.EventId));
    }

    [Fact]
    public void A_damaged_row_reads_as_some_event_or_is_refused_and_never_fails_otherwise() =>
        Gen.Select(Gen.Int[1, 200], Gen.Byte[1, 255]).Sample((at, flip) =>
        {
            var e = Sample("damage", 1.5m, DateTimeOffset.UnixEpoch, new() { ["sku"] = "sku-1" });
            var payload = JournalPayload.Of(e);
            payload[1 + at % (payload.Length - 1)] ^= flip;

            var thrown = Record.Exception(() => JournalPayload.Read(payload, e.CustomerId, e.EventId));

            Assert.True(thrown is null or InvalidDataException, thrown?.ToString());
        });
}
