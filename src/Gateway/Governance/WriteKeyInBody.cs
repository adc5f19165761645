using System.Text.Json;
using MarketingActors.Gateway.Endpoints;

namespace MarketingActors.Gateway.Governance;

/// <summary>
/// Marks an SDK route on which a sender without an Authorization header may name its key as
/// <c>writeKey</c> at the top of the JSON body (the Segment HTTP API allows it). The body is read
/// once (<see cref="SdkBody"/>) and the endpoint reuses it.
/// </summary>
public sealed class WriteKeyInBody
{
    public static readonly WriteKeyInBody Instance = new();

    public static async Task<string?> Of(HttpRequest request, int maxBytes)
    {
        var (body, error) = await SdkBody.ReadJson(request, maxBytes);
        if (error is not null || body is null) return null;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = GatewayJson.MaxDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isKey = reader.ValueTextEquals("writeKey");
                reader.Read();
                if (isKey) return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // A malformed body authenticates nothing; the endpoint answers its own 400 if it gets that far.
        }
        return null;
    }
}

public static class WriteKeyInBodyExtensions
{
    public static TBuilder AcceptsWriteKeyInBody<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(WriteKeyInBody.Instance);
}
