using System.Text.Json;
using System.Text.Unicode;

namespace MarketingActors.Gateway.Endpoints;

/// <summary>
/// Reads a JSON request body with the checks every endpoint needs: media type, size, UTF-8,
/// well-formedness. Typed bodies are read strictly (<see cref="GatewayJson.ReadOptions"/>): a
/// duplicate key, a null where a value is required, a string where a number belongs or a field
/// the type does not have is a 400 naming the path, never a silent default.
/// </summary>
public static class JsonBody
{
    public static async Task<(byte[]? Body, IResult? Error)> ReadBytes(HttpRequest request, int maxBytes)
    {
        if (request.ContentType is null || !request.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return (null, Problems.Of(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "send Content-Type: application/json"));
        var (body, error) = await ReadRaw(request, maxBytes);
        if (error is not null) return (null, error);
        return Utf8.IsValid(body) ? (body, null) : (null, InvalidUtf8());
    }

    public static async Task<(T? Value, IResult? Error)> Read<T>(HttpRequest request, int maxBytes = 1024 * 1024) where T : class
    {
        var (body, error) = await ReadBytes(request, maxBytes);
        if (error is not null) return (null, error);
        if (FindInvalidText(body!) is { } bad) return (null, bad);
        try
        {
            var value = JsonSerializer.Deserialize<T>(body, GatewayJson.ReadOptions);
            return value is null ? (null, Invalid("the body must be a JSON object")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Invalid(e.Message));
        }
    }

    public static IResult Invalid(string detail) => Problems.Of(StatusCodes.Status400BadRequest, "invalid_json", detail);

    public static IResult InvalidUtf8() => Problems.Of(StatusCodes.Status400BadRequest, "invalid_utf8", "the body is not valid UTF-8");

    public static IResult InvalidText(string detail) => Problems.Of(StatusCodes.Status400BadRequest, RequestText.InvalidText, detail);

    /// <summary>
    /// One pass of the reader over the body: a string or name with an escaped unpaired surrogate
    /// or an escaped U+0000 is refused (raw control characters are already invalid JSON).
    /// Only escaped tokens are decoded, so a plain body costs one scan.
    /// </summary>
    private static IResult? FindInvalidText(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = GatewayJson.MaxDepth });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName) || !reader.ValueIsEscaped) continue;
                string text;
                try
                {
                    text = reader.GetString()!;
                }
                catch (InvalidOperationException)
                {
                    return InvalidText($"the string at byte {reader.TokenStartIndex} is not valid Unicode text (an unpaired surrogate)");
                }
                if (!RequestText.IsValidText(text)) return InvalidText($"the string at byte {reader.TokenStartIndex} holds U+0000, which the engine does not store");
            }
            return null;
        }
        catch (JsonException e)
        {
            return Invalid(e.Message);
        }
    }

    internal static async Task<(byte[]? Body, IResult? Error)> ReadRaw(HttpRequest request, int maxBytes)
    {
        if (request.ContentLength > maxBytes) return (null, TooLarge(maxBytes));
        // The common case: a declared length, read straight into a buffer of that size.
        if (request.ContentLength is { } length)
        {
            var body = new byte[length];
            var filled = 0;
            int n;
            while (filled < body.Length && (n = await request.Body.ReadAsync(body.AsMemory(filled), request.HttpContext.RequestAborted)) > 0) filled += n;
            if (filled < body.Length) return (null, Invalid("the body ended before its declared Content-Length"));
            return (body, null);
        }
        using var buffer = new MemoryStream();
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
            {
                if (buffer.Length + read > maxBytes) return (null, TooLarge(maxBytes));
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }
        return (buffer.ToArray(), null);
    }

    internal static IResult TooLarge(int maxBytes) =>
        Problems.Of(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"the body is larger than {maxBytes} bytes");
}
