using System.Text.Json;
using System.Text.Json.Serialization;

namespace MarketingActors.Gateway.Endpoints;

public static class GatewayJson
{
    /// <summary>camelCase, enums as camelCase strings, no unknown enum numbers: the shape of every request and response.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MaxDepth = 32;
    }

    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        return options;
    }
}

/// <summary>
/// The settings of <see cref="GatewayJson.Configure"/>, compiled in for the answers written on every
/// request of the ingestion path: generated code writes them straight to the response, the same bytes
/// the reflection-driven serializer writes. Enums as strings without a converter in the options (a
/// converter there turns the generated fast path off); their camelCase names are on the enums.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, MaxDepth = 32, UseStringEnumConverter = true)]
[JsonSerializable(typeof(IngestResponse))]
public sealed partial class GatewayJsonContext : JsonSerializerContext;
