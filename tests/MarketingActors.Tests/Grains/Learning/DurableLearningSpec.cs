using MarketingActors.Core.Profiles;
using MarketingActors.Learning;
using MarketingActors.Services.Learning;
using MarketingActors.Storage.Postgres;
using MarketingActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MarketingActors.Tests.Grains.Learning;

/// <summary>
/// The learning loop in cluster mode on a real PostgreSQL: rows published on the stream land in
/// the row table, and the model registry (on the PostgreSQL grain storage) survives a restart of
/// the whole cluster, which then serves the same champion again.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DurableLearningSpec(PostgresServer postgres)
{
    private static IRetrainingGrain Retraining(ClusterSilo silo) => silo.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IRetrainingGrain>(0);

    private static object Identity(ModelVersionInfo v) => (v.Version, v.Status, v.Metrics.Auc, v.WindowFrom, v.WindowTo, v.FeatureSchemaHash, v.ModelBytes, v.TrainingRows);

    [SkippableFact]
    public async Task Buffered_rows_the_registry_and_the_served_champion_survive_a_cluster_restart()
    {
        var database = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(database);
        var cluster = "learn-" + Guid.NewGuid().ToString("N")[..6];
        var rows = SyntheticOutcomes.Rows(3_000, seed: 41);
        TrainingOutcome promoted;
        ModelVersionInfo[] versions;

        await using (var silo = await ClusterSilo.Start(database, cluster))
        {
            var outbox = silo.App.Services.GetRequiredService<TrainingRowOutbox>();
            outbox.Enqueue([.. rows]);
            await outbox.Flush();
            await Eventually.Holds(() => Retraining(silo).Monitoring(), m => m.BufferedRows == rows.Length, because: "rows on the stream");
            promoted = await Retraining(silo).TrainNow("spec@example.com");
            Assert.True(promoted.Promoted, $"{promoted.Result}: {promoted.Detail}");
            await outbox.Flush();
            versions = await Retraining(silo).ListVersions();
        }

        await using (var silo = await ClusterSilo.Start(database, cluster))
        {
            var champion = await Retraining(silo).GetChampion();
            var monitoring = await Retraining(silo).Monitoring();
            var holder = silo.App.Services.GetRequiredService<ConversionModelHolder>();

            Assert.Equal(promoted.Version, champion.Version);
            Assert.NotEmpty(champion.Bytes);
            Assert.Equal(versions.Select(Identity), (await Retraining(silo).ListVersions()).Select(Identity));
            var history = await Retraining(silo).History();
            Assert.Equal(("promote", promoted.Version), (history[^1].Action, history[^1].To));
            Assert.True(monitoring.BufferedRows >= rows.Length, $"{monitoring.BufferedRows} rows after the restart");
            await Eventually.Holds(() => Task.FromResult(holder.Current.Version), v => v == promoted.Version, because: "the restarted silo serves the stored champion");
            // The rows survived, so the next round trains on them without anything new arriving.
            var again = await Retraining(silo).TrainNow("spec@example.com");
            Assert.Equal(TrainingResults.KeptChampion, again.Result);
        }
    }
}
