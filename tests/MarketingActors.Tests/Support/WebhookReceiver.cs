using System.Collections.Concurrent;
using MarketingActors.Core.Delivery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StandardWebhooks;

namespace MarketingActors.Tests.Support;

/// <summary>One call as the receiver saw it: the Standard Webhooks id, the body, whether its signature verified, and what it answered.</summary>
public sealed record ReceivedWebhook(string Id, string Body, bool Verified, int Answered, DateTimeOffset At);

/// <summary>
/// A customer's webhook endpoint on loopback (real Kestrel): it verifies every call's signature
/// with the StandardWebhooks library and answers as the spec scripts it (an HTTP status, or a
/// stall past the engine's timeout).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public const int Stall = -1;

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _script = new();
    private readonly StandardWebhook _verifier;

    public static readonly string Secret = "whsec_" + Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 11 + 3)).ToArray());

    public ConcurrentQueue<ReceivedWebhook> Calls { get; } = new();

    /// <summary>What is answered once the script is used up (200 by default); a function of the body, for per-customer answers.</summary>
    public Func<string, int> Otherwise { get; set; } = _ => 200;

    /// <summary>Verify the signature without the library's 5-minute timestamp window (for specs whose engine runs on a fake clock).</summary>
    public bool IgnoreTimestamp { get; set; }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/hook";

    private WebhookReceiver(int port)
    {
        Port = port;
        _verifier = new StandardWebhook(Secret);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(Url.Replace("/hook", ""));
        _app = builder.Build();
        _app.MapPost("/hook", Receive);
    }

    /// <summary>Starts listening on <paramref name="port"/> (a free one when 0 or omitted).</summary>
    public static async Task<WebhookReceiver> Start(int port = 0, params int[] script)
    {
        var receiver = new WebhookReceiver(port == 0 ? EmbeddedEngine.FreePort() : port);
        foreach (var answer in script) receiver._script.Enqueue(answer);
        await receiver._app.StartAsync();
        return receiver;
    }

    public IEnumerable<ReceivedWebhook> Accepted => Calls.Where(c => c.Answered is >= 200 and < 300);

    private async Task<IResult> Receive(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        var id = request.Headers[StandardWebhookSignature.IdHeader].ToString();
        var answer = _script.TryDequeue(out var scripted) ? scripted : Otherwise(body);
        Calls.Enqueue(new ReceivedWebhook(id, body, Verify(body, request.Headers), answer, DateTimeOffset.UtcNow));
        if (answer == Stall)
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            return Results.StatusCode(504);
        }
        return Results.StatusCode(answer);
    }

    private bool Verify(string body, IHeaderDictionary headers)
    {
        try
        {
            if (IgnoreTimestamp)
            {
                var id = headers[StandardWebhookSignature.IdHeader].ToString();
                var timestamp = DateTimeOffset.FromUnixTimeSeconds(long.Parse(headers[StandardWebhookSignature.TimestampHeader].ToString()));
                return headers[StandardWebhookSignature.SignatureHeader].ToString().Split(' ').Contains(_verifier.Sign(id, timestamp, body));
            }
            _verifier.Verify(body, headers);
            return true;
        }
        catch (Exception e) when (e is StandardWebhooks.Diagnostics.WebhookVerificationException or FormatException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
