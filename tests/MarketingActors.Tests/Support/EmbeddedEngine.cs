using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MarketingActors.Gateway.Endpoints;
using MarketingActors.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MarketingActors.Tests.Support;

/// <summary>The real embedded host (silo + co-hosted gateway) on loopback ports, as `dotnet run --project src/Silo` starts it.</summary>
public sealed class EmbeddedEngine : IAsyncLifetime
{
    private readonly string[] _extraArgs;
    private readonly Action<WebApplicationBuilder>? _customize;

    public EmbeddedEngine() : this([]) { }

    /// <summary>An engine with extra settings ("--Section:Key=value"), for specs that need their own limits, and services of their own (a fake clock).</summary>
    internal EmbeddedEngine(string[] extraArgs, Action<WebApplicationBuilder>? customize = null)
    {
        _extraArgs = extraArgs;
        _customize = customize;
    }

    public WebApplication App { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public int OrleansGatewayPort { get; } = FreePort();
    public CapturedLogs Logs { get; } = new();
    /// <summary>The bootstrap admin key, read from the start-up log as an operator would; <see cref="Http"/> sends it.</summary>
    public string AdminKey { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var args = new List<string>
        {
            "--urls", "http://127.0.0.1:0",
            $"--MarketingActors:Silo:SiloPort={FreePort()}",
            $"--MarketingActors:Silo:GatewayPort={OrleansGatewayPort}",
        };
        args.AddRange(ClusterFixture.TestSettings.Select(s => $"--{s.Key}={s.Value}"));
        args.AddRange(_extraArgs);
        App = await SiloComposition.Build([.. args], builder =>
        {
            builder.Logging.AddProvider(Logs);
            _customize?.Invoke(builder);
        });
        await App.StartAsync();
        AdminKey = Regex.Match(Logs.Entries.Single(e => e.Message.Contains(BootstrapAdminKey.Banner)).Message, @"ma_[0-9a-f]{12}_[A-Za-z0-9_-]{43}").Value;
        Http = ClientWith(AdminKey);
    }

    /// <summary>An HTTP client of this engine that sends the given API key (none when null), following redirects unless told not to.</summary>
    public HttpClient ClientWith(string? apiKey, bool followRedirects = true)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = followRedirects }) { BaseAddress = new Uri(BaseAddressOf(App)) };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    public async Task DisposeAsync()
    {
        // After a start that failed there may be no client, or no host at all.
        Http?.Dispose();
        if (App is null) return;
        await App.StopAsync();
        await App.DisposeAsync();
    }

    public static string BaseAddressOf(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public Task<HttpResponseMessage> PostJson(string path, string json) =>
        Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public Task<HttpResponseMessage> PostJson<T>(string path, T body) =>
        Http.PostAsJsonAsync(path, body, GatewayJson.Options);

    public async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>A customer who consents to e-mail views a product, in one request to <paramref name="path"/>: the campaign's decision on the view.</summary>
    public async Task<JsonElement> DecisionOnProductView(string campaign, string customer, string path = "/v1/events")
    {
        var identify = $$$"""{"eventId":"{{{customer}}}-id","customerId":"{{{customer}}}","type":"identify","traits":{"consent.email":"true"}}""";
        var view = $$"""{"eventId":"{{customer}}-pv","customerId":"{{customer}}","type":"product_view"}""";
        var response = await PostJson(path, $"[{identify},{view}]");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await Json(response)).GetProperty("results")[1].GetProperty("decisions").EnumerateArray().Single(d => d.GetProperty("campaignId").GetString() == campaign);
    }
}

[CollectionDefinition(Name)]
public sealed class EmbeddedEngineCollection : ICollectionFixture<EmbeddedEngine>
{
    public const string Name = "embedded engine over HTTP";
}

/// <summary>Keeps what the host logged, so a test can check what an operator would read.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly List<(LogLevel Level, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Entries
    {
        get { lock (_entries) return [.. _entries]; }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose() { }

    private sealed class Logger(CapturedLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            lock (owner._entries) owner._entries.Add((logLevel, formatter(state, exception)));
        }
    }
}

/// <summary>Specs that start an engine of their own run alone, after the others, so they add no load to timing-sensitive cluster specs.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OwnEngineCollection
{
    public const string Name = "own embedded engine";
}
