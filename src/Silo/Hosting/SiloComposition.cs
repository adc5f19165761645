using MarketingActors.Core.Governance;
using MarketingActors.Gateway.Governance;
using MarketingActors.Gateway.Hosting;
using MarketingActors.Governance;
using MarketingActors.Hosting;
using MarketingActors.Services.Delivery;
using MarketingActors.Storage;
using MarketingActors.Storage.Postgres;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace MarketingActors.Silo.Hosting;

/// <summary>The one place the silo host is composed: Orleans, storage, engine services, co-hosted gateway.</summary>
public static class SiloComposition
{
    public static async Task<WebApplication> Build(string[] args, Action<WebApplicationBuilder>? customize = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        customize?.Invoke(builder);
        var silo = SiloOptions.From(builder.Configuration);
        // Orleans stops grains, then the journal and the snapshots commit what is queued; all of it within this deadline (below Kubernetes' grace period).
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = silo.ShutdownTimeout);
        string? connectionString = null;
        if (silo.Mode == EngineMode.Cluster)
        {
            connectionString = ClusterDatabase.ConnectionString(builder.Configuration);
            if (string.IsNullOrWhiteSpace(builder.Configuration[$"{GovernanceOptions.Section}:AuditKey"]))
                throw new StartupFailure($"cluster mode needs {GovernanceOptions.Section}:AuditKey (base64 of 32 random bytes, e.g. `openssl rand -base64 32`), kept outside the database: it keys the audit chain");
            if (silo.MigrateOnStart) await ClusterDatabase.Migrate(connectionString);
            await ClusterDatabase.Verify(connectionString);
        }
        builder.UseOrleans(orleans => ConfigureOrleans(orleans, silo, connectionString, GatewayTelemetry.ExportsTraces(builder.Configuration)));
        builder.Services.AddMarketingEngine(builder.Configuration);
        builder.Services.AddMarketingGateway(builder.Configuration);
        builder.Services.AddSiloService<BootstrapAdminKey>(ServiceLifecycleStage.Active);

        var app = builder.Build();
        app.MapMarketingGateway();
        if (silo.Dashboard) app.MapOrleansDashboard("/dashboard").RequireAccess(Operations.OperateCluster);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            // Unsubscribe links point at this engine unless MarketingActors:Delivery:PublicBaseUrl names its public address.
            if (app.Urls.FirstOrDefault() is { } url) app.Services.GetRequiredService<ConnectorDirectory>().UsePublicAddress(url);
            if (silo.Mode == EngineMode.Embedded)
                app.Logger.LogWarning("EMBEDDED MODE: one silo, in-memory storage. Customer state, campaigns and budgets are NOT durable and are lost when this process stops. Gateway: {Urls}", string.Join(", ", app.Urls));
            else
                app.Logger.LogInformation("Cluster silo {Address}:{Port} (gateway port {GatewayPort}) of {Cluster} on PostgreSQL is up. HTTP: {Urls}",
                    silo.AdvertisedAddress, silo.SiloPort, silo.GatewayPort, silo.ClusterId, string.Join(", ", app.Urls));
        });
        return app;
    }

    private static void ConfigureOrleans(ISiloBuilder orleans, SiloOptions silo, string? connectionString, bool exportsTraces)
    {
        orleans.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = silo.MinimumReminderPeriod);
        // Propagation is a grain call filter on every call, in and out: Orleans then runs each call
        // through its filter pipeline instead of invoking it directly. Only worth it when traces go somewhere.
        if (exportsTraces) orleans.AddActivityPropagation();
        if (silo.Dashboard) orleans.AddDashboard();
        if (silo.Mode == EngineMode.Embedded)
        {
            orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort);
            orleans.UseMarketingInMemoryStorage();
            return;
        }
        orleans.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = silo.ClusterId;
            o.ServiceId = silo.ServiceId;
        });
        // Failure detection and call timeouts are the SRE's levers (docs/operations.md): how fast a dead silo's grains move.
        orleans.Services.AddOptions<ClusterMembershipOptions>().Bind(orleans.Configuration.GetSection(SiloOptions.Section + ":Membership"));
        orleans.Services.AddOptions<SiloMessagingOptions>().Bind(orleans.Configuration.GetSection(SiloOptions.Section + ":Messaging"));
        // Listen where configured: by default only on the advertised address, never every interface unasked.
        if (silo.AdvertisedAddress == SiloOptions.AutoAddress)
            orleans.ConfigureEndpoints(System.Net.Dns.GetHostName(), silo.SiloPort, silo.GatewayPort, System.Net.Sockets.AddressFamily.InterNetwork, listenOnAnyHostAddress: silo.ListenAddress == SiloOptions.AnyAddress);
        else
            orleans.ConfigureEndpoints(System.Net.IPAddress.Parse(silo.AdvertisedAddress), silo.SiloPort, silo.GatewayPort, listenOnAnyHostAddress: silo.ListenAddress == SiloOptions.AnyAddress);
        if (silo.ListenAddress is { Length: > 0 } listen && listen != SiloOptions.AnyAddress)
        {
            var address = System.Net.IPAddress.Parse(listen);
            orleans.Configure<EndpointOptions>(o =>
            {
                o.SiloListeningEndpoint = new System.Net.IPEndPoint(address, silo.SiloPort);
                o.GatewayListeningEndpoint = new System.Net.IPEndPoint(address, silo.GatewayPort);
            });
        }
        orleans.UseMarketingPostgres(o =>
        {
            o.ConnectionString = connectionString!;
            orleans.Configuration.GetSection(DatabasePoolOptions.Section).Bind(o.Pools);
        });
    }
}
