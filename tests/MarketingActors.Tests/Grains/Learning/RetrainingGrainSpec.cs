using MarketingActors.Core.Learning;
using MarketingActors.Core.Profiles;
using MarketingActors.Customers;
using MarketingActors.Learning;
using MarketingActors.Services.Learning;
using MarketingActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace MarketingActors.Tests.Grains.Learning;

/// <summary>
/// The loop on a real two-silo cluster: rows in, challenger trained off the grain's turn, promoted
/// only when better, pushed to every silo, served by customer grains from the next event, rolled
/// back by command and automatically. Each test leaves the prior as champion for the other specs.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RetrainingGrainSpec(ClusterFixture fixture)
{
    private IRetrainingGrain Retraining => fixture.Grains.GetGrain<IRetrainingGrain>(0);

    private IEnumerable<string> ServedVersions() =>
        fixture.Cluster.Silos.Cast<InProcessSiloHandle>().Select(s => s.SiloHost.Services.GetRequiredService<ConversionModelHolder>().Current.Version);

    private TrainingRowOutbox Outbox(int silo) =>
        fixture.Cluster.Silos.Cast<InProcessSiloHandle>().ElementAt(silo).SiloHost.Services.GetRequiredService<TrainingRowOutbox>();

    /// <summary>The production path: a silo's outbox publishes the rows on the training-rows stream; waits until the grain has them.</summary>
    private async Task Submit(TrainingRow[] rows, int silo = 0)
    {
        var before = (await Retraining.Monitoring()).RowsReceived;
        Outbox(silo).Enqueue([.. rows]);
        await Outbox(silo).Flush();
        await Eventually.Holds(Retraining.Monitoring, m => m.RowsReceived >= before + rows.Length, because: $"{rows.Length} rows on the stream");
    }

    private async Task BackToPrior()
    {
        if ((await Retraining.GetChampion()).Version != ModelRegistry.Prior)
            Assert.True((await Retraining.Rollback(ModelRegistry.Prior, "spec-cleanup", "restore the prior for other specs")).Succeeded);
    }

    private async Task<TrainingOutcome> PromoteOne(int seed)
    {
        // Specs share the cluster: start from the prior, whatever champion another spec left behind.
        await BackToPrior();
        await Submit(SyntheticOutcomes.Rows(4_000, seed));
        var outcome = await Retraining.TrainNow("spec@example.com");
        Assert.True(outcome.Promoted, $"{outcome.Result}: {outcome.Detail}");
        return outcome;
    }

    [Fact]
    public async Task Promotes_a_better_challenger_that_every_silo_then_serves_from_the_next_event()
    {
        try
        {
            var outcome = await PromoteOne(seed: 101);

            Assert.True(outcome.Metrics!.Auc > outcome.ChampionMetrics!.Auc);
            Assert.All(ServedVersions(), v => Assert.Equal(outcome.Version, v));
            for (var i = 0; i < 6; i++)
            {
                var id = TestEvents.NewId("served");
                await fixture.Grains.GetGrain<ICustomerGrain>(id).Ingest([TestEvents.Of(id, "product_view")]);
                Assert.Equal(outcome.Version, (await fixture.Grains.GetGrain<ICustomerGrain>(id).GetView()).ModelVersion);
            }
            var info = Assert.Single(await Retraining.ListVersions(), v => v.Version == outcome.Version);
            Assert.Equal(ModelStatus.Champion, info.Status);
            Assert.Equal(FeatureSchema.HashOf(CustomerFeatures.Names), info.FeatureSchemaHash);
            Assert.True(info.ModelBytes > 0 && info.TrainingRows > 0 && info.WindowFrom < info.WindowTo);
            var promotion = (await Retraining.History())[^1];
            Assert.Equal(("promote", "spec@example.com", outcome.Version!), (promotion.Action, promotion.Actor, promotion.To));
        }
        finally
        {
            await BackToPrior();
        }
        Assert.All(ServedVersions(), v => Assert.Equal(ModelRegistry.Prior, v));
        var last = (await Retraining.History())[^1];
        Assert.Equal(("rollback", "spec-cleanup", ModelRegistry.Prior), (last.Action, last.Actor, last.To));
    }

    [Fact]
    public async Task Keeps_the_champion_when_the_challenger_is_no_better_and_refuses_bad_requests()
    {
        try
        {
            var champion = await PromoteOne(seed: 202);

            // The same rows again: the challenger can only tie the champion, which is not enough.
            var again = await Retraining.TrainNow("spec");

            Assert.Equal(TrainingResults.KeptChampion, again.Result);
            Assert.Equal(champion.Version, again.Champion);
            Assert.Equal(ModelStatus.Rejected, (await Retraining.ListVersions()).Single(v => v.Version == again.Version).Status);
            Assert.All(ServedVersions(), v => Assert.Equal(champion.Version, v));

            var unknown = await Retraining.Rollback("fasttree-v999", "spec", null);
            Assert.Equal(LearningReasons.ModelNotFound, unknown.ErrorReason);
            var same = await Retraining.Rollback(champion.Version!, "spec", null);
            Assert.Equal(LearningReasons.AlreadyChampion, same.ErrorReason);
            Assert.Equal(champion.Version, (await Retraining.GetChampion()).Version);
        }
        finally
        {
            await BackToPrior();
        }
    }

    [Fact]
    public async Task Rows_published_by_every_silo_arrive_over_the_stream_and_are_buffered()
    {
        var before = await Retraining.Monitoring();

        // More rows than fit one stream message (the memory stream cache refuses messages over 1 MiB).
        await Submit(SyntheticOutcomes.Rows(10_000, seed: 11), silo: 0);
        await Submit(SyntheticOutcomes.Rows(200, seed: 12), silo: 1);

        var after = await Retraining.Monitoring();
        Assert.True(after.BufferedRows - before.BufferedRows >= 10_200, $"{after.BufferedRows - before.BufferedRows} rows buffered");
        Assert.All(Enumerable.Range(0, 2), s => Assert.Equal(0, Outbox(s).Pending));
    }

    [Fact]
    public async Task Rejects_rows_with_non_finite_or_missing_features_and_counts_them()
    {
        var before = await Retraining.Monitoring();
        var good = SyntheticOutcomes.Rows(3, seed: 7);
        var nan = good[0] with { Features = [.. good[0].Features.Select((f, i) => i == 2 ? float.NaN : f)] };
        var shortRow = good[1] with { Features = good[1].Features[..4] };

        await Submit([nan, shortRow, good[2]]);

        var after = await Retraining.Monitoring();
        Assert.Equal(2, after.RowsRejected - before.RowsRejected);
        Assert.Equal(3, after.RowsReceived - before.RowsReceived);
    }

    [Fact]
    public async Task Rolls_a_champion_back_automatically_when_its_live_auc_falls_below_its_predecessors()
    {
        try
        {
            var champion = await PromoteOne(seed: 303);
            // Outcomes of decisions the new champion scored, where its scores turned out to rank customers backwards.
            var served = SyntheticOutcomes.Rows(1_500, seed: 304).Select(r => r with
            {
                ModelVersion = champion.Version!,
                Score = 1 - SyntheticOutcomes.TrueProbability(r.Features),
            }).ToArray();

            await Submit(served);

            Assert.Equal(ModelRegistry.Prior, (await Retraining.GetChampion()).Version);
            var rollback = (await Retraining.History())[^1];
            Assert.Equal(("auto_rollback", RetrainingGrain.AutoRollbackActor, champion.Version!, ModelRegistry.Prior),
                (rollback.Action, rollback.Actor, rollback.From, rollback.To));
            Assert.All(ServedVersions(), v => Assert.Equal(ModelRegistry.Prior, v));
            var live = (await Retraining.Monitoring()).Versions.Single(v => v.Version == champion.Version);
            Assert.True(live.LiveAuc < 0.5, $"live AUC {live.LiveAuc}");
            Assert.NotNull(live.ScorePsi);
        }
        finally
        {
            await BackToPrior();
        }
    }
}

[Collection(ClusterCollection.Name)]
public sealed class LabelledRowsSpec(ClusterFixture fixture)
{
    [Fact]
    public async Task Customer_grains_turn_decision_points_into_labelled_rows_that_reach_the_retraining_grain()
    {
        var retraining = fixture.Grains.GetGrain<IRetrainingGrain>(0);
        var before = await retraining.Monitoring();
        var now = DateTimeOffset.UtcNow;
        var ids = Enumerable.Range(0, 4).Select(_ => TestEvents.NewId("rows")).ToArray();
        foreach (var id in ids)
        {
            // A snapshot two days ago whose window passed (negative), one an hour ago labelled by today's purchase (positive).
            await fixture.Grains.GetGrain<ICustomerGrain>(id).Ingest([
                TestEvents.Of(id, "product_view", now.AddDays(-2)),
                TestEvents.Of(id, "add_to_cart", now.AddHours(-1)),
                TestEvents.Of(id, "purchase", now, value: 120m),
            ]);
        }

        var after = await Eventually.Holds(() => retraining.Monitoring(), m => m.RowsReceived - before.RowsReceived >= 8, because: "8 rows from 4 customers");

        Assert.Equal(before.RowsRejected, after.RowsRejected);
    }
}
