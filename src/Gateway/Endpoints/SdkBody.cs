using System.IO.Compression;
using System.Text.Unicode;

namespace MarketingActors.Gateway.Endpoints;

/// <summary>
/// A request body as the analytics SDKs send it: JSON under application/json, text/plain or the
/// form content type RudderStack's node SDK uses, gzip-compressed or not. The decompressed size
/// has the same limit as a plain body, so a small gzip bomb is refused, not inflated. Read once per
/// request: authentication by a write key in the body reads it first and the endpoint reuses it.
/// </summary>
public static class SdkBody
{
    private const string Read = "ma.sdk-body";

    private static readonly string[] JsonMediaTypes = ["application/json", "text/plain", "application/x-www-form-urlencoded"];

    public static async Task<(byte[]? Body, IResult? Error)> ReadJson(HttpRequest request, int maxBytes)
    {
        if (request.HttpContext.Items[Read] is ValueTuple<byte[]?, IResult?> cached) return cached;
        var result = await ReadOnce(request, maxBytes);
        request.HttpContext.Items[Read] = result;
        return result;
    }

    private static async Task<(byte[]? Body, IResult? Error)> ReadOnce(HttpRequest request, int maxBytes)
    {
        if (request.ContentType is not { } contentType || !JsonMediaTypes.Any(t => contentType.StartsWith(t, StringComparison.OrdinalIgnoreCase)))
            return (null, Problems.Of(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "send JSON (application/json, text/plain or application/x-www-form-urlencoded)"));
        var (raw, error) = await JsonBody.ReadRaw(request, maxBytes);
        if (error is not null) return (null, error);
        var encoding = request.Headers.ContentEncoding.ToString().Trim();
        byte[] body;
        if (encoding.Length == 0 || encoding.Equals("identity", StringComparison.OrdinalIgnoreCase)) body = raw!;
        else if (encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase))
        {
            var (inflated, inflateError) = Gunzip(raw!, maxBytes);
            if (inflateError is not null) return (null, inflateError);
            body = inflated!;
        }
        else return (null, Problems.Of(StatusCodes.Status415UnsupportedMediaType, "unsupported_content_encoding", "Content-Encoding must be gzip or absent"));
        return Utf8.IsValid(body) ? (body, null) : (null, JsonBody.InvalidUtf8());
    }

    private static (byte[]? Body, IResult? Error) Gunzip(byte[] compressed, int maxBytes)
    {
        try
        {
            using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
            using var inflated = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = gzip.Read(chunk)) > 0)
            {
                if (inflated.Length + read > maxBytes) return (null, JsonBody.TooLarge(maxBytes));
                inflated.Write(chunk, 0, read);
            }
            return (inflated.ToArray(), null);
        }
        catch (InvalidDataException)
        {
            return (null, Problems.Of(StatusCodes.Status400BadRequest, "invalid_gzip", "the body is not valid gzip"));
        }
    }
}
