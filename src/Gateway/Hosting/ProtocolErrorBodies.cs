using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace MarketingActors.Gateway.Hosting;

/// <summary>
/// Kestrel refuses some requests before any middleware runs (a NUL in the path, a request line or
/// headers over its limits) and answers them with an empty body. This connection middleware gives
/// those answers the same problem+json body, with a <c>reason</c>, that every other refusal has.
/// It recognises them by their shape: an HTTP/1.x 4xx header block that closes the connection and
/// declares <c>Content-Length: 0</c> (the engine's own errors always carry a body), written in one
/// piece; any other write passes through untouched.
/// </summary>
public static class ProtocolErrorBodies
{
    public static void AddProtocolErrorBodies(this IServiceCollection services) =>
        services.Configure<KestrelServerOptions>(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Use(next => async connection =>
        {
            var transport = connection.Transport;
            connection.Transport = new Pipe(transport.Input, new Writer(transport.Output));
            try
            {
                await next(connection);
            }
            finally
            {
                connection.Transport = transport;
            }
        })));

    /// <summary>The body for a bare refusal, or null when <paramref name="headers"/> is anything else.</summary>
    internal static byte[]? Rewrite(ReadOnlySpan<byte> headers)
    {
        if (headers.Length is < 16 or > 2048 || !headers.EndsWith("\r\n\r\n"u8)) return null;
        if (!(headers.StartsWith("HTTP/1.1 4"u8) || headers.StartsWith("HTTP/1.0 4"u8))) return null;
        if (headers.IndexOf("\r\nContent-Length: 0\r\n"u8) < 0 || headers.IndexOf("\r\nConnection: close\r\n"u8) < 0) return null;
        var status = int.Parse(Encoding.ASCII.GetString(headers.Slice(9, 3)), System.Globalization.CultureInfo.InvariantCulture);
        var reason = status switch
        {
            408 => "request_timeout",
            413 => "payload_too_large",
            414 => "uri_too_long",
            431 => "headers_too_large",
            _ => "bad_request",
        };
        var body = Encoding.UTF8.GetBytes(
            $$"""{"type":"https://tools.ietf.org/html/rfc9110","title":"{{reason.Replace('_', ' ')}}","status":{{status}},"detail":"the HTTP server refused this request before the engine saw it (a control character in the path, or a request line or headers over the size limits)","reason":"{{reason}}"}""");
        var text = Encoding.ASCII.GetString(headers).Replace("\r\nContent-Length: 0\r\n", $"\r\nContent-Type: application/problem+json\r\nContent-Length: {body.Length}\r\n", StringComparison.Ordinal);
        return [.. Encoding.ASCII.GetBytes(text), .. body];
    }

    private sealed class Pipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    /// <summary>Passes every write through; only a whole bare refusal header block is replaced before it is committed.</summary>
    private sealed class Writer(PipeWriter inner) : PipeWriter
    {
        private Memory<byte> _lent;

        public override Memory<byte> GetMemory(int sizeHint = 0) => _lent = inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => (_lent = inner.GetMemory(sizeHint)).Span;

        public override void Advance(int bytes)
        {
            // Cheap for every other write: the first byte of a response header block is 'H'.
            if (bytes > 0 && _lent.Span[0] == (byte)'H' && Rewrite(_lent.Span[..bytes]) is { } replaced)
            {
                inner.Write(replaced);
                return;
            }
            inner.Advance(bytes);
        }

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }
}
