using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MarketingActors.Decisions;

namespace MarketingActors.Governance;

/// <summary>
/// An audit entry's payload as the chain hashes it and the segments store it: UTF-8 JSON, or for a
/// decision its binary <see cref="DecisionRecord"/>, which the API renders as the same JSON. Every
/// decision carries one: held as a UTF-16 string its JSON was transcoded on the way in and twice more
/// on the way out (benchmarks-history.md, 2026-12-06, fourth session), and written as JSON at all it
/// was most of what auditing a decision cost (2026-12-07, sixteenth session). The API still shows
/// every payload as a string of JSON, as before. The default value is the empty object.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.audit-payload")]
[JsonConverter(typeof(AuditPayloadJson))]
public readonly struct AuditPayload : IEquatable<AuditPayload>
{
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    [Id(0)] private readonly byte[]? _stored;

    private AuditPayload(byte[] stored) => _stored = stored;

    public static AuditPayload Empty => new(EmptyObject);

    /// <summary>Takes the array as it is (not copied): the caller hands over UTF-8 JSON it no longer writes to.</summary>
    public static AuditPayload FromUtf8(byte[] utf8) => new(utf8);

    public static AuditPayload FromJson(string json) => new(Encoding.UTF8.GetBytes(json));

    /// <summary>A value serialized straight to UTF-8 with the given settings.</summary>
    public static AuditPayload Of<T>(T value, JsonSerializerOptions options) => new(JsonSerializer.SerializeToUtf8Bytes(value, options));

    /// <summary>A decision, kept as its binary record.</summary>
    public static AuditPayload Of(Decision decision) => new(DecisionRecord.Encode(decision));

    /// <summary>What a stored entry gives back, either form, taken as it is.</summary>
    /// <exception cref="InvalidDataException">Neither a decision record nor UTF-8.</exception>
    public static AuditPayload FromStored(byte[] stored) =>
        DecisionRecord.Holds(stored) || System.Text.Unicode.Utf8.IsValid(stored) ? new(stored) : throw new InvalidDataException("an audit payload is neither a decision record nor UTF-8");

    /// <summary>The bytes the chain hashes and the segments keep.</summary>
    public ReadOnlySpan<byte> Stored => _stored ?? EmptyObject;

    public bool IsDecisionRecord => DecisionRecord.Holds(Stored);

    /// <summary>
    /// The length the chain's hash prefixes the column with: for JSON its UTF-16 code units, as when
    /// the payload was a string; for a decision record its bytes (its first byte never starts UTF-8
    /// text, so the two forms never hash alike).
    /// </summary>
    public int HashedLength => IsDecisionRecord ? Stored.Length : Encoding.UTF8.GetCharCount(Stored);

    /// <summary>The payload's JSON as UTF-8; a decision record is rendered (the JSON the decision would have been written as).</summary>
    /// <exception cref="InvalidDataException">A decision record that does not decode.</exception>
    public ReadOnlySpan<byte> Json => IsDecisionRecord ? JsonSerializer.SerializeToUtf8Bytes(DecisionRecord.Decode(Stored), DecisionJson.Default.Decision) : Stored;

    /// <summary>The decision an entry of kind <c>decision</c> holds, in either form (entries written before the records are JSON).</summary>
    public Decision ToDecision() => IsDecisionRecord
        ? DecisionRecord.Decode(Stored)
        : JsonSerializer.Deserialize(Stored, DecisionJson.Default.Decision) ?? throw new InvalidDataException("a decision payload is null");

    public override string ToString() => Encoding.UTF8.GetString(Json);

    public bool Equals(AuditPayload other) => Stored.SequenceEqual(other.Stored);

    public override bool Equals(object? obj) => obj is AuditPayload other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Stored);
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

    public override void Write(Utf8JsonWriter writer, AuditPayload value, JsonSerializerOptions options) => writer.WriteStringValue(value.Json);
}

/// <summary>
/// A decision's audit JSON (the API's camelCase, string enums, nulls left out), compiled in: the
/// settings of the engine's audit serializer, so a rendered record reads as the JSON payloads did.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(Decision))]
internal sealed partial class DecisionJson : JsonSerializerContext;
