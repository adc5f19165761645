using System.Text;
using System.Text.Json;
using CsCheck;
using MarketingActors.Governance;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace MarketingActors.Tests.GrainInterfaces.Governance;

public sealed class AuditPayloadSpec
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private const string Json = """{"note":"ünïcødé ✓ 🎯","quote":"\"<b>&'"}""";

    [Fact]
    public void The_api_shows_a_payload_as_a_string_holding_its_json_and_reads_it_back()
    {
        var entry = new AuditEntry { Kind = AuditKinds.Change, Payload = AuditPayload.FromJson(Json) };

        var written = JsonSerializer.Serialize(entry, JsonSerializerOptions.Web);

        Assert.Equal(Json, JsonDocument.Parse(written).RootElement.GetProperty("payload").GetString());
        Assert.Equal(entry, JsonSerializer.Deserialize<AuditEntry>(written, JsonSerializerOptions.Web));
    }

    [Fact]
    public void A_payload_that_is_not_a_string_is_refused_when_read() =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<AuditEntry>("""{"kind":"change","payload":{"a":1}}""", JsonSerializerOptions.Web));

    [Fact]
    public void An_entry_crosses_grain_calls_with_its_payload_bytes()
    {
        var entry = new AuditEntry { Kind = AuditKinds.Decision, Payload = AuditPayload.FromJson(Json) };

        var copy = Serializer.Deserialize<AuditEntry>(Serializer.SerializeToArray(entry))!;

        Assert.Equal(Encoding.UTF8.GetBytes(Json), copy.Payload.Stored.ToArray());
    }

    [Fact]
    public void An_entry_without_a_payload_carries_the_empty_object_here_and_across_grain_calls()
    {
        var entry = new AuditEntry { Kind = AuditKinds.Erasure };

        Assert.Equal("{}", entry.Payload.ToString());
        Assert.Equal(AuditPayload.Empty, entry.Payload);
        Assert.Equal("{}", Serializer.Deserialize<AuditEntry>(Serializer.SerializeToArray(entry))!.Payload.ToString());
    }

    [Fact]
    public void Payloads_are_equal_by_content_so_entries_compare_as_they_did_with_text()
    {
        var a = new AuditEntry { Kind = AuditKinds.Change, Payload = AuditPayload.FromJson(Json) };
        var b = new AuditEntry { Kind = AuditKinds.Change, Payload = AuditPayload.FromUtf8(Encoding.UTF8.GetBytes(Json)) };

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b with { Payload = AuditPayload.FromJson(Json + " ") });
    }

    [Fact]
    public void Any_text_keeps_its_utf16_length_the_length_the_chain_hashes() =>
        Gen.String.Sample(text =>
        {
            var payload = AuditPayload.FromJson(text);
            return payload.HashedLength == payload.ToString().Length && payload.ToString().Length == Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text)).Length;
        });
}
