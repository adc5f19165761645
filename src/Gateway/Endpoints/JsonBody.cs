using System.Text.Json;

namespace MarketingActors.Gateway.Endpoints;

/// <summary>Reads a JSON request body with the checks every endpoint needs: media type, size, well-formedness.</summary>
public static class JsonBody
{
    public static async Task<(byte[]? Body, IResult? Error)> ReadBytes(HttpRequest request, int maxBytes)
    {
        if (request.ContentType is null || !request.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return (null, Problems.Of(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "send Content-Type: application/json"));
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

    public static async Task<(T? Value, IResult? Error)> Read<T>(HttpRequest request, JsonSerializerOptions options, int maxBytes = 1024 * 1024) where T : class
    {
        var (body, error) = await ReadBytes(request, maxBytes);
        if (error is not null) return (null, error);
        try
        {
            var value = JsonSerializer.Deserialize<T>(body, options);
            return value is null ? (null, Invalid("the body must be a JSON object")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Invalid(e.Message));
        }
    }

    public static IResult Invalid(string detail) => Problems.Of(StatusCodes.Status400BadRequest, "invalid_json", detail);

    private static IResult TooLarge(int maxBytes) =>
        Problems.Of(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"the body is larger than {maxBytes} bytes");
}
