using MarketingActors.Hosting;
using MarketingActors.Storage;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace MarketingActors.Tests.Support;

/// <summary>A real two-silo Orleans cluster in this process, with the engine's grains, storage and per-silo services.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public static readonly Dictionary<string, string?> TestSettings = new()
    {
        ["MarketingActors:Budget:ReportInterval"] = "00:00:00.200",
        ["MarketingActors:Budget:LeaseTtl"] = "00:00:10",
        ["MarketingActors:Budget:ExhaustedBackoff"] = "00:00:00.100",
        ["MarketingActors:Customers:ColdLeadAfter"] = "00:00:02",
        ["MarketingActors:Customers:SnapshotEveryEvents"] = "1",
        // Spec clusters run several silos on in-memory storage and kill some: state is written as it changes.
        ["MarketingActors:Customers:SnapshotWithoutJournal"] = "true",
        ["MarketingActors:Learning:TrainEveryRows"] = "10000000",
        ["MarketingActors:Learning:MinTrainingRows"] = "200",
        ["MarketingActors:Learning:MinLiveRows"] = "300",
        ["MarketingActors:Learning:MinLivePositives"] = "20",
        ["MarketingActors:Learning:Trees"] = "40",
        // Budget specs exhaust daily budgets in seconds, which the anomaly guard would rightly pause; its own specs enable it.
        ["MarketingActors:Anomalies:Enabled"] = "false",
        // Cluster mode requires the audit chain's key; a fixed one, so silos of one spec share it.
        ["MarketingActors:Governance:AuditKey"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()),
    };

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(2);
        builder.ConfigureHostConfiguration(c => c.AddInMemoryCollection(TestSettings));
        builder.AddSiloBuilderConfigurator<EngineSilo>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class EngineSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.UseMarketingInMemoryStorage();
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.Services.AddMarketingEngine(silo.Configuration);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "two-silo cluster";
}
