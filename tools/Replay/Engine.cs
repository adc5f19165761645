using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MarketingActors.Silo.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace MarketingActors.Replay;

/// <summary>
/// The engine the replay talks to, always over HTTP: a running engine at --url, or, without one,
/// the real embedded host started in this process on free loopback ports (same code as
/// `dotnet run --project src/Silo`), stopped when the replay ends.
/// </summary>
public sealed class Engine : IAsyncDisposable
{
    private readonly WebApplication? _embedded;

    public HttpClient Http { get; }

    private Engine(HttpClient http, WebApplication? embedded)
    {
        Http = http;
        _embedded = embedded;
    }

    public static Engine Connect(HttpClient http) => new(http, null);

    public static async Task<Engine> Start(string? url, string? apiKey)
    {
        if (url is not null) return new Engine(Client(new Uri(url), apiKey), null);
        var app = await SiloComposition.Build(
        [
            "--urls", "http://127.0.0.1:0",
            $"--MarketingActors:Silo:SiloPort={FreePort()}",
            $"--MarketingActors:Silo:GatewayPort={FreePort()}",
            "--Logging:LogLevel:Default=Critical",
            // The replay is one local client: without keys and per-key rate limits it measures the engine, not the limiter.
            "--MarketingActors:Security:RequireApiKeys=false",
            "--MarketingActors:Security:RequestsPerWindow=10000000",
            // Stopping deactivates thousands of customers after the reminder service is gone; that noise is not the replay's result.
            "--Logging:LogLevel:Orleans.Grain=None",
        ]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Engine(Client(new Uri(address), apiKey: null), app);
    }

    /// <summary>A running engine requires a key (admin or campaign owner: the replay creates a campaign), sent as a Bearer token.</summary>
    private static HttpClient Client(Uri address, string? apiKey)
    {
        var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
        if (!string.IsNullOrEmpty(apiKey)) http.DefaultRequestHeaders.Authorization = new("Bearer", apiKey);
        return http;
    }

    public async Task<JsonElement> Send(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Posts a batch of events (at most 1000, the gateway's limit) and returns the per-event results; <paramref name="explain"/> asks for every candidate's verdict.</summary>
    public async Task<JsonElement> PostEvents(IReadOnlyCollection<string> events, bool explain = false) =>
        (await Send(HttpMethod.Post, explain ? "/v1/events?explain=true" : "/v1/events", "[" + string.Join(",", events) + "]")).GetProperty("results");

    public async Task CreateActiveCampaign(string definitionJson, string id)
    {
        await Send(HttpMethod.Post, "/v1/campaigns", definitionJson);
        await Send(HttpMethod.Post, $"/v1/campaigns/{id}/activate");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_embedded is not null)
        {
            await _embedded.StopAsync();
            await _embedded.DisposeAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Escapes a value for a JSON string literal.</summary>
    public static string J(string s) => JsonSerializer.Serialize(s);
}
