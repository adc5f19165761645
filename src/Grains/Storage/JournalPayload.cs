using System.Text.Json;
using System.Text.Json.Serialization;
using MarketingActors.Events;

namespace MarketingActors.Storage;

/// <summary>
/// The bytes of one journaled event: System.Text.Json with its default settings, the format every
/// journal row has had. Written through generated code, byte for byte what the reflection-driven
/// serializer writes, because every accepted event passes here and that path showed in profiles.
/// </summary>
public static class JournalPayload
{
    public static byte[] Of(MarketingEvent e) => JsonSerializer.SerializeToUtf8Bytes(e, JournalJsonContext.Default.MarketingEvent);

    public static MarketingEvent Read(ReadOnlySpan<byte> payload) =>
        JsonSerializer.Deserialize(payload, JournalJsonContext.Default.MarketingEvent)
        ?? throw new JsonException("a journal row holds a null event");
}

[JsonSerializable(typeof(MarketingEvent))]
internal sealed partial class JournalJsonContext : JsonSerializerContext;
