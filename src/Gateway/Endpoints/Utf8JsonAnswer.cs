using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MarketingActors.Gateway.Endpoints;

/// <summary>
/// A JSON answer (200 unless told otherwise) serialized in one synchronous pass by generated code
/// (the streaming serializer behind <c>Results.Json</c> leaves the generated fast path for large
/// payloads, and a 500-event batch answer is about half a megabyte) into a pooled buffer, then sent
/// with its Content-Length: a streamed answer is chunked, and its closing chunk costs a second send
/// and a second read per request, which a single event's answer cannot amortize.
/// </summary>
public sealed class Utf8JsonAnswer<T>(T value, JsonTypeInfo<T> type, int status = StatusCodes.Status200OK, TimeSpan? retryAfter = null) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        if (retryAfter is { } wait) response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.ContentType = "application/json; charset=utf-8";
        var options = new JsonWriterOptions { Encoder = type.Options.Encoder, Indented = type.Options.WriteIndented, MaxDepth = type.Options.MaxDepth };
        using var buffer = new PooledAnswerBuffer();
        using (var writer = new Utf8JsonWriter(buffer, options)) JsonSerializer.Serialize(writer, value, type);
        response.ContentLength = buffer.Written.Length;
        await response.BodyWriter.WriteAsync(buffer.Written, httpContext.RequestAborted);
    }
}
