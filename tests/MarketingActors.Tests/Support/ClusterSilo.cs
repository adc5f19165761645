using MarketingActors.Silo.Hosting;
using Microsoft.AspNetCore.Builder;

namespace MarketingActors.Tests.Support;

/// <summary>A cluster-mode silo (PostgreSQL membership, state, reminders, journal) hosted in this process, with its gateway on loopback.</summary>
public sealed class ClusterSilo : IAsyncDisposable
{
    public required WebApplication App { get; init; }
    public required HttpClient Http { get; init; }

    public static string[] Arguments(string connectionString, string clusterId, params string[] extra) =>
    [
        "--urls", "http://127.0.0.1:0",
        "--MarketingActors:Silo:Mode=Cluster",
        $"--ConnectionStrings:Postgres={connectionString}",
        $"--MarketingActors:Silo:ClusterId={clusterId}",
        $"--MarketingActors:Silo:ServiceId={clusterId}",
        $"--MarketingActors:Silo:SiloPort={EmbeddedEngine.FreePort()}",
        $"--MarketingActors:Silo:GatewayPort={EmbeddedEngine.FreePort()}",
        .. ClusterFixture.TestSettings.Select(s => $"--{s.Key}={s.Value}"),
        // Durability is under test here; access control has its own specs.
        "--MarketingActors:Security:RequireApiKeys=false",
        .. extra,
    ];

    public static async Task<ClusterSilo> Start(string connectionString, string clusterId, params string[] extra)
    {
        var app = await SiloComposition.Build(Arguments(connectionString, clusterId, extra));
        await app.StartAsync();
        return new ClusterSilo { App = app, Http = new HttpClient { BaseAddress = new Uri(EmbeddedEngine.BaseAddressOf(app)) } };
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
