using System.Text.Json;
using System.Text.Json.Serialization;

namespace MarketingActors.Gateway.Endpoints;

public static class GatewayJson
{
    public const int MaxDepth = 32;

    /// <summary>camelCase, enums as camelCase strings, no unknown enum numbers: the shape of every request and response.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MaxDepth = MaxDepth;
        // Numbers are numbers: a string is not read as one (and the API description says so, rather than "integer or string").
        options.NumberHandling = JsonNumberHandling.Strict;
    }

    public static readonly JsonSerializerOptions Options = Create(strict: false);

    /// <summary>
    /// How request bodies are read: as <see cref="Options"/>, but a duplicate key, a null for a
    /// non-nullable member, a number sent as a string or a member the type does not have is an error.
    /// </summary>
    public static readonly JsonSerializerOptions ReadOptions = Create(strict: true);

    private static JsonSerializerOptions Create(bool strict)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        if (strict)
        {
            options.AllowDuplicateProperties = false;
            options.RespectNullableAnnotations = true;
            options.NumberHandling = JsonNumberHandling.Strict;
            options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        }
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
