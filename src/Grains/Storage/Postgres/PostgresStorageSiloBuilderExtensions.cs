using MarketingActors.Core.Governance;
using MarketingActors.Core.Learning;
using MarketingActors.Hosting;
using MarketingActors.Services.Learning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Runtime.Hosting;

namespace MarketingActors.Storage.Postgres;

/// <summary>
/// The engine's durable state on PostgreSQL: cluster membership, campaign and governance state
/// and reminders through Orleans' ADO.NET providers; customers, the event journal, the audit
/// log and training rows in the engine's own batched tables. The schema must be migrated first
/// (<see cref="ClusterDatabase.Migrate"/>).
/// </summary>
public static class PostgresStorageSiloBuilderExtensions
{
    private const string NpgsqlInvariant = "Npgsql";

    public static ISiloBuilder UseMarketingPostgres(this ISiloBuilder silo, Action<PostgresStorageOptions> configure)
    {
        var services = silo.Services;
        services.AddOptions<PostgresStorageOptions>().Configure(configure).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PostgresStorageOptions>, PostgresStorageOptionsValidator>();
        services.AddOptions<JournalOptions>().Bind(silo.Configuration.GetSection(JournalOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CustomerSnapshotOptions>().Bind(silo.Configuration.GetSection(CustomerSnapshotOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => NpgsqlDataSource.Create(sp.GetRequiredService<IOptions<PostgresStorageOptions>>().Value.EngineConnectionString));

        silo.UseAdoNetClustering(options => options.Configure<IOptions<PostgresStorageOptions>>((o, postgres) =>
        {
            o.Invariant = NpgsqlInvariant;
            o.ConnectionString = postgres.Value.OrleansConnectionString;
        }));
        silo.UseAdoNetReminderService(options => options.Configure<IOptions<PostgresStorageOptions>>((o, postgres) =>
        {
            o.Invariant = NpgsqlInvariant;
            o.ConnectionString = postgres.Value.OrleansConnectionString;
        }));
        // Customers, read on every activation and written by every busy customer, are the engine's own batched table.
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<PostgresCustomerSnapshots>(sp, StateSerialization.Binary(sp)));
        services.AddGrainStorage(StorageNames.Customers, (sp, _) => sp.GetRequiredService<PostgresCustomerSnapshots>());
        foreach (var name in new[] { StorageNames.Campaigns, StorageNames.Governance, LearningStreams.PubSubStore })
        {
            silo.AddAdoNetGrainStorage(name, options => options.Configure<IServiceProvider, IOptions<PostgresStorageOptions>>((o, sp, postgres) =>
            {
                o.Invariant = NpgsqlInvariant;
                o.ConnectionString = postgres.Value.OrleansConnectionString;
                o.GrainStorageSerializer = StateSerialization.Binary(sp);
            }));
        }
        // Memory streams in cluster mode too (docs/decisions.md): rows are durable once the RetrainingGrain has them in PostgreSQL.
        silo.AddLearningStreams();

        services.AddSingleton<PostgresEventJournal>();
        services.AddSingleton<IEventJournal>(sp => sp.GetRequiredService<PostgresEventJournal>());
        // Both stop after the silo has deactivated its customers: queued appends and last snapshots are committed.
        services.AtSiloStage<PostgresEventJournal>(ServiceLifecycleStage.ApplicationServices);
        services.AtSiloStage<PostgresCustomerSnapshots>(ServiceLifecycleStage.ApplicationServices);
        services.AddSingleton<PostgresDeliveryStore>();
        services.AddSingleton<IDeliveryStore>(sp => sp.GetRequiredService<PostgresDeliveryStore>());
        services.AtSiloStage<PostgresDeliveryStore>(ServiceLifecycleStage.ApplicationServices);
        services.AddSingleton<IAuditLog>(sp => new PostgresAuditLog(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<AuditSeal>()));
        // The RetrainingGrain's rows wait in PostgreSQL (deploy/sql/004), so a cluster restart does not lose them.
        services.AddTransient<ITrainingRowBuffer>(sp => new PostgresTrainingRowBuffer(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<IOptions<LearningOptions>>().Value.MaxBufferedRows));
        return silo;
    }
}
