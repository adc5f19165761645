using System.Text.Json;
using System.Text.Json.Serialization;
using MarketingActors.Decisions;
using MarketingActors.Governance;

namespace MarketingActors.Core.Governance;

/// <summary>The JSON of audit payloads: the same shape the API speaks (camelCase, string enums).</summary>
public static class AuditJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static AuditPayload Of<T>(T value) => AuditPayload.Of(value, Options);

    /// <summary>
    /// A decision, byte for byte as <see cref="Of{T}"/> writes it, through generated code that
    /// writes straight to UTF-8: every decision is audited, so the reflection-driven path showed in profiles.
    /// </summary>
    public static AuditPayload Of(Decision decision) => AuditPayload.FromUtf8(JsonSerializer.SerializeToUtf8Bytes(decision, AuditJsonContext.Default.Decision));
}

/// <summary>
/// The settings of <see cref="AuditJson.Options"/>, compiled in. Enums as strings without a converter
/// in the options (a converter there turns the generated fast path off); their camelCase names are on the enums.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(Decision))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;
