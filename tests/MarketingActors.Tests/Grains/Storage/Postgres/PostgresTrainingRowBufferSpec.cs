using MarketingActors.Storage.Postgres;
using MarketingActors.Tests.Support;
using Npgsql;

namespace MarketingActors.Tests.Grains.Storage.Postgres;

/// <summary>The cluster-mode row buffer on a real PostgreSQL: append-only, bounded, and its training cadence survives a new activation.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresTrainingRowBufferSpec(PostgresServer postgres)
{
    private static async Task<PostgresTrainingRowBuffer> Open(NpgsqlDataSource database, int capacity)
    {
        var buffer = new PostgresTrainingRowBuffer(database, capacity);
        await buffer.Open();
        return buffer;
    }

    [SkippableFact]
    public async Task Rows_come_back_intact_and_in_order_to_a_new_activation()
    {
        var connection = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(connection);
        await using var database = NpgsqlDataSource.Create(connection);
        var rows = SyntheticOutcomes.Rows(50, seed: 5);
        var anonymous = rows[7] with { CustomerId = null };
        rows[7] = anonymous;

        await (await Open(database, capacity: 1_000)).Add(rows);
        var reopened = await Open(database, capacity: 1_000);
        var back = await reopened.Snapshot();

        Assert.Equal((50, 50), (reopened.Count, reopened.SinceTraining));
        Assert.Equal(rows.Select(r => (r.At, r.Converted, r.Value, r.ModelVersion, r.Score, r.CustomerId)),
            back.Select(r => (r.At, r.Converted, r.Value, r.ModelVersion, r.Score, r.CustomerId)));
        Assert.All(rows.Zip(back), pair => Assert.Equal(pair.First.Features, pair.Second.Features));
    }

    [SkippableFact]
    public async Task Marking_a_snapshot_trained_counts_only_later_rows_towards_the_next_round_even_after_a_restart()
    {
        var connection = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(connection);
        await using var database = NpgsqlDataSource.Create(connection);
        var buffer = await Open(database, capacity: 1_000);
        await buffer.Add(SyntheticOutcomes.Rows(30, seed: 1));

        await buffer.Snapshot();
        // Rows that arrive while the round trains belong to the next round.
        await buffer.Add(SyntheticOutcomes.Rows(4, seed: 2));
        await buffer.MarkTrained();
        var reopened = await Open(database, capacity: 1_000);

        Assert.Equal((34, 4), (buffer.Count, buffer.SinceTraining));
        Assert.Equal((34, 4), (reopened.Count, reopened.SinceTraining));
    }

    [SkippableFact]
    public async Task Past_its_capacity_the_oldest_rows_are_deleted()
    {
        var connection = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(connection);
        await using var database = NpgsqlDataSource.Create(connection);
        var rows = SyntheticOutcomes.Rows(25, seed: 3);
        var buffer = await Open(database, capacity: 10);

        await buffer.Add(rows[..15]);
        await buffer.Add(rows[15..]);
        var kept = await (await Open(database, capacity: 10)).Snapshot();

        Assert.Equal(10, buffer.Count);
        Assert.Equal(rows[15..].Select(r => r.CustomerId), kept.Select(r => r.CustomerId));
    }
}
