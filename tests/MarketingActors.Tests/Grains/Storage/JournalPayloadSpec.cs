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

    private static void AssertSameEvent(MarketingEvent expected, MarketingEvent actual)
    {
        // Records compare dictionaries by reference: the fields with one shared dictionary, then the properties by content.
        var none = new Dictionary<string, string>();
        Assert.Equal(expected with { Properties = none }, actual with { Properties = none });
        Assert.Equal(expected.Properties, actual.Properties);
    }

    [Fact]
    public void An_event_is_journaled_as_the_same_bytes_the_default_serializer_writes_and_reads_back_whole()
    {
        var e = Sample("é☕ <b>&'\"", 12.50m, new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.FromHours(2)), new() { ["sku"] = "sku-1", ["utm_source"] = "mail" });

        var payload = JournalPayload.Of(e);

        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(e), payload);
        AssertSameEvent(e, JournalPayload.Read(payload));
    }

    [Fact]
    public void Rows_journaled_before_the_generated_serializer_still_replay()
    {
        const string row = """{"EventId":"evt-1","CustomerId":"cust-1","Type":"purchase","Channel":"web","Timestamp":"2026-11-30T09:15:00+00:00","Properties":{"sku":"sku-9"},"CampaignId":"spring","DecisionId":null,"Value":80.5,"UnknownType":false}""";

        var e = JournalPayload.Read(Encoding.UTF8.GetBytes(row));

        Assert.Equal(("evt-1", "cust-1", "purchase", 80.5m), (e.EventId, e.CustomerId, e.Type, e.Value));
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 9, 15, 0, TimeSpan.Zero), e.Timestamp);
        Assert.Equal("sku-9", e.Properties["sku"]);
        Assert.Null(e.DecisionId);
    }

    [Fact]
    public void A_row_holding_null_is_refused_rather_than_replayed_as_nothing() =>
        Assert.Throws<JsonException>(() => JournalPayload.Read("null"u8));

    [Fact]
    public void Any_event_is_journaled_as_the_default_serializer_writes_it_and_reads_back_whole() =>
        Gen.Select(Gen.String, Gen.Decimal.Nullable(), Gen.DateTimeOffset, Gen.Dictionary(Gen.String, Gen.String)).Sample((text, value, at, properties) =>
        {
            var e = Sample(text, value, at, properties);
            var payload = JournalPayload.Of(e);
            Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(e), payload);
            AssertSameEvent(e, JournalPayload.Read(payload));
        });
}
