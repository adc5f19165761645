using System.Text.Json;
using System.Text.Json.Serialization;
using MarketingActors.Decisions;

namespace MarketingActors.Governance;

/// <summary>The JSON of audit payloads: the same shape the API speaks (camelCase, string enums).</summary>
public static class AuditJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new CamelCaseEnumStrings() },
    };

    public static string Of<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>
    /// A decision, byte for byte as <see cref="Of{T}"/> writes it, through generated code that
    /// writes straight to UTF-8: every decision is audited, so the reflection-driven path showed in profiles.
    /// </summary>
    public static string Of(Decision decision) => JsonSerializer.Serialize(decision, AuditJsonContext.Default.Decision);
}

/// <summary>Enums as camelCase strings; a type of its own so the generated context below can name it.</summary>
public sealed class CamelCaseEnumStrings() : JsonStringEnumConverter(JsonNamingPolicy.CamelCase);

/// <summary>The same settings as <see cref="AuditJson.Options"/>, compiled in.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Converters = [typeof(CamelCaseEnumStrings)])]
[JsonSerializable(typeof(Decision))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;
