using System.Text.Json;
using System.Text.Json.Serialization;
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
}
