using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MarketingActors.Governance;

/// <summary>
/// An audit entry's JSON, kept as the UTF-8 the serializer writes, the chain hashes and the
/// segments store. Every decision carries a 1–2 KB payload: held as a UTF-16 string it was
/// transcoded on the way in and twice more on the way out, and was the largest allocation of a
/// decided event (benchmarks-history.md, 2026-12-06, fourth session). The API still shows it as a
/// string of JSON, as before. The default value is the empty object.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.audit-payload")]
[JsonConverter(typeof(AuditPayloadJson))]
public readonly struct AuditPayload : IEquatable<AuditPayload>
{
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    [Id(0)] private readonly byte[]? _utf8;

    private AuditPayload(byte[] utf8) => _utf8 = utf8;

    public static AuditPayload Empty => new(EmptyObject);

    /// <summary>Takes the array as it is (not copied): the caller hands over UTF-8 JSON it no longer writes to.</summary>
    public static AuditPayload FromUtf8(byte[] utf8) => new(utf8);

    public static AuditPayload FromJson(string json) => new(Encoding.UTF8.GetBytes(json));

    /// <summary>A value serialized straight to UTF-8 with the given settings.</summary>
    public static AuditPayload Of<T>(T value, JsonSerializerOptions options) => new(JsonSerializer.SerializeToUtf8Bytes(value, options));

    public ReadOnlySpan<byte> Utf8 => _utf8 ?? EmptyObject;

    /// <summary>The length the chain's hash prefixes the column with: UTF-16 code units, as when the payload was a string.</summary>
    public int Utf16Length => Encoding.UTF8.GetCharCount(Utf8);

    public override string ToString() => Encoding.UTF8.GetString(Utf8);

    public bool Equals(AuditPayload other) => Utf8.SequenceEqual(other.Utf8);

    public override bool Equals(object? obj) => obj is AuditPayload other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Utf8);
        return hash.ToHashCode();
    }

    public static bool operator ==(AuditPayload left, AuditPayload right) => left.Equals(right);

    public static bool operator !=(AuditPayload left, AuditPayload right) => !left.Equals(right);
}

/// <summary>The payload as a JSON string holding its JSON, the shape the API has always had.</summary>
public sealed class AuditPayloadJson : JsonConverter<AuditPayload>
{
    public override AuditPayload Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException("an audit payload is a string of JSON");
        var utf8 = new byte[reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length];
        var length = reader.CopyString(utf8);
        // Unescaping only shortens: a string without escapes fills the array, which is then taken as it is.
        return AuditPayload.FromUtf8(length == utf8.Length ? utf8 : utf8[..length]);
    }

    public override void Write(Utf8JsonWriter writer, AuditPayload value, JsonSerializerOptions options) => writer.WriteStringValue(value.Utf8);
}
