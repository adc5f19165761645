using MarketingActors.Core.Governance;
using MarketingActors.Core.Learning;
using MarketingActors.Gateway.Governance;
using MarketingActors.Gateway.Hosting;
using MarketingActors.Governance;
using MarketingActors.Hosting;
using MarketingActors.Services.Learning;
using MarketingActors.Storage;
using MarketingActors.Storage.Postgres;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace MarketingActors.Silo.Hosting;

/// <summary>The one place the silo host is composed: Orleans, storage, engine services, co-hosted gateway.</summary>
public static class SiloComposition
{
    public const string CustomerStorage = "customers";
    public const string CampaignStorage = "campaigns";
    private const string NpgsqlInvariant = "Npgsql";
    public const string GovernanceStorage = "governance";

    public static async Task<WebApplication> Build(string[] args, Action<WebApplicationBuilder>? customize = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        customize?.Invoke(builder);
        var silo = SiloOptions.From(builder.Configuration);
        // Orleans stops grains, then the journal and the snapshots commit what is queued; all of it within this deadline (below Kubernetes' grace period).
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = silo.ShutdownTimeout);
        string? orleansConnectionString = null;
        if (silo.Mode == EngineMode.Cluster)
        {
            var connectionString = ClusterDatabase.ConnectionString(builder.Configuration);
            if (string.IsNullOrWhiteSpace(builder.Configuration[$"{GovernanceOptions.Section}:AuditKey"]))
                throw new StartupFailure($"cluster mode needs {GovernanceOptions.Section}:AuditKey (base64 of 32 random bytes, e.g. `openssl rand -base64 32`), kept outside the database: it keys the audit chain");
            var pools = DatabasePoolOptions.From(builder.Configuration);
            if (silo.MigrateOnStart) await ClusterDatabase.Migrate(connectionString);
            await ClusterDatabase.Verify(connectionString);
            AddPostgresStores(builder.Services, builder.Configuration, pools.Bounded(connectionString, pools.JournalPoolSize));
            AddDurableLearning(builder.Services);
            orleansConnectionString = pools.Bounded(connectionString, pools.OrleansPoolSize);
        }
        builder.UseOrleans(orleans => ConfigureOrleans(orleans, silo, orleansConnectionString));
        builder.Services.AddMarketingEngine(builder.Configuration);
        builder.Services.AddMarketingGateway(builder.Configuration);
        // Registered after UseOrleans, so it starts once the silo is serving grain calls.
        builder.Services.AddHostedService<BootstrapAdminKey>();

        var app = builder.Build();
        app.MapMarketingGateway();
        if (silo.Dashboard) app.MapOrleansDashboard("/dashboard").RequireAccess(Operations.OperateCluster);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            if (silo.Mode == EngineMode.Embedded)
                app.Logger.LogWarning("EMBEDDED MODE: one silo, in-memory storage. Customer state, campaigns and budgets are NOT durable and are lost when this process stops. Gateway: {Urls}", string.Join(", ", app.Urls));
            else
                app.Logger.LogInformation("Cluster silo {Address}:{Port} (gateway port {GatewayPort}) of {Cluster} on PostgreSQL is up. HTTP: {Urls}",
                    silo.AdvertisedAddress, silo.SiloPort, silo.GatewayPort, silo.ClusterId, string.Join(", ", app.Urls));
        });
        return app;
    }

    /// <summary>
    /// The event journal, the customer snapshots and the audit log on PostgreSQL. Registered before
    /// Orleans so that, stopping in reverse order, the journal commits what is queued after the silo
    /// stops taking events, and the snapshots still take the writes of customers deactivating.
    /// </summary>
    private static void AddPostgresStores(IServiceCollection services, IConfiguration configuration, string connectionString)
    {
        services.AddOptions<JournalOptions>().Bind(configuration.GetSection(JournalOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CustomerSnapshotOptions>().Bind(configuration.GetSection(CustomerSnapshotOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        services.AddSingleton<PostgresEventJournal>();
        services.AddSingleton<IEventJournal>(sp => sp.GetRequiredService<PostgresEventJournal>());
        services.AddHostedService(sp => sp.GetRequiredService<PostgresEventJournal>());
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<PostgresCustomerSnapshots>(sp, BinaryStateSerializer(sp)));
        services.AddHostedService(sp => sp.GetRequiredService<PostgresCustomerSnapshots>());
        services.AddSingleton<IAuditLog>(sp => new PostgresAuditLog(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<AuditSeal>()));
    }

    /// <summary>The RetrainingGrain's rows wait in PostgreSQL (deploy/sql/004), so a cluster restart does not lose them.</summary>
    private static void AddDurableLearning(IServiceCollection services) =>
        services.AddTransient<ITrainingRowBuffer>(sp => new PostgresTrainingRowBuffer(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<IOptions<LearningOptions>>().Value.MaxBufferedRows));

    public static void ConfigureOrleans(ISiloBuilder orleans, SiloOptions silo, string? connectionString)
    {
        orleans.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = silo.MinimumReminderPeriod);
        orleans.AddActivityPropagation();
        if (silo.Dashboard) orleans.AddDashboard();
        if (silo.Mode == EngineMode.Embedded)
        {
            orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort);
            AddEngineStorage(orleans, silo);
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
        orleans.UseAdoNetClustering(o =>
        {
            o.Invariant = NpgsqlInvariant;
            o.ConnectionString = connectionString;
        });
        // Memory streams in cluster mode too (docs/decisions.md): rows are durable once the RetrainingGrain has them in PostgreSQL.
        orleans.AddMemoryStreams(LearningStreams.Provider);
        // Customers, the one state read on every activation and written by every busy customer, are
        // the engine's own batched table (registered in AddPostgresStores); the rest is Orleans' ADO.NET storage.
        orleans.Services.AddGrainStorage(CustomerStorage, (services, _) => services.GetRequiredService<PostgresCustomerSnapshots>());
        foreach (var name in new[] { CampaignStorage, GovernanceStorage, LearningStreams.PubSubStore })
        {
            orleans.AddAdoNetGrainStorage(name, options => options.Configure<IServiceProvider>((o, services) =>
            {
                o.Invariant = NpgsqlInvariant;
                o.ConnectionString = connectionString;
                o.GrainStorageSerializer = BinaryStateSerializer(services);
            }));
        }
        orleans.UseAdoNetReminderService(o =>
        {
            o.Invariant = NpgsqlInvariant;
            o.ConnectionString = connectionString;
        });
    }

    /// <summary>In-memory grain storage and reminders (embedded mode and the test cluster).</summary>
    public static void AddEngineStorage(ISiloBuilder orleans, SiloOptions silo)
    {
        foreach (var name in new[] { CustomerStorage, CampaignStorage, GovernanceStorage })
        {
            // As in cluster mode: the default (Newtonsoft JSON with reference tracking) cost more CPU than the grain logic it stored.
            orleans.AddMemoryGrainStorage(name, options => options.Configure<IServiceProvider>((o, services) => o.GrainStorageSerializer = BinaryStateSerializer(services)));
        }
        orleans.AddMemoryStreams(LearningStreams.Provider);
        orleans.AddMemoryGrainStorage(LearningStreams.PubSubStore);
        orleans.UseInMemoryReminderService();
        orleans.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = silo.MinimumReminderPeriod);
    }

    /// <summary>The engine's state types carry Orleans serializer attributes; binary is compact, fast and version-tolerant.</summary>
    private static IGrainStorageSerializer BinaryStateSerializer(IServiceProvider services) =>
        ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(services);
}
