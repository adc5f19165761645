using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using MarketingActors.Core.Customers;
using MarketingActors.Customers;
using MarketingActors.Storage.Postgres;
using MarketingActors.Telemetry;
using MarketingActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace MarketingActors.Tests.Grains.Storage.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresCustomerSnapshotsSpec(PostgresServer postgres) : IAsyncLifetime
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().AddSerializer().BuildServiceProvider();
    private readonly List<NpgsqlDataSource> _databases = [];
    private readonly List<long> _readQueries = [];
    private readonly List<long> _writeBatches = [];
    private MeterListener? _listener;
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        var meters = _services.GetRequiredService<IMeterFactory>();
        // Only this spec's meter: other specs run their own engines in parallel.
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == meters && instrument.Name.StartsWith("ma.snapshots.", StringComparison.Ordinal) && instrument.Name.EndsWith(".batch.size", StringComparison.Ordinal))
                    listener.EnableMeasurementEvents(instrument);
            },
        };
        _listener.SetMeasurementEventCallback<long>((instrument, size, _, _) =>
        {
            var into = instrument.Name == "ma.snapshots.read.batch.size" ? _readQueries : _writeBatches;
            lock (into) into.Add(size);
        });
        _listener.Start();
        if (postgres.MissingReason is not null) return;
        _connectionString = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(_connectionString);
    }

    public async Task DisposeAsync()
    {
        _listener?.Dispose();
        foreach (var database in _databases) await database.DisposeAsync();
        await _services.DisposeAsync();
    }

    /// <summary>A store on the spec's database (or <paramref name="connectionString"/>), not started unless asked.</summary>
    private async Task<PostgresCustomerSnapshots> Snapshots(int readers = 2, int writers = 2, bool start = true, string? connectionString = null)
    {
        Skip.If(postgres.MissingReason is not null, postgres.MissingReason);
        var database = NpgsqlDataSource.Create(connectionString ?? _connectionString);
        _databases.Add(database);
        var store = new PostgresCustomerSnapshots(database,
            new OrleansGrainStorageSerializer(_services.GetRequiredService<Serializer>()), _services.GetRequiredService<IActivatorProvider>(),
            Options.Create(new CustomerSnapshotOptions { Readers = readers, Writers = writers }),
            new EngineMetrics(_services.GetRequiredService<IMeterFactory>()), NullLogger<PostgresCustomerSnapshots>.Instance);
        if (start) await store.StartAsync(CancellationToken.None);
        return store;
    }

    private static GrainId Customer(string id) => GrainId.Create("customer", id);

    private static GrainState<CustomerState> At(long journalSequence, string? etag = null) =>
        new(new CustomerState { JournalSequence = journalSequence, AuditRef = $"ref-{journalSequence}" }) { ETag = etag };

    private static async Task<GrainState<CustomerState>> Read(IGrainStorage store, string customer)
    {
        var state = At(-1);
        await store.ReadStateAsync("customer", Customer(customer), state);
        return state;
    }

    [SkippableFact]
    public async Task A_written_snapshot_reads_back_with_its_version_as_ETag_and_each_write_moves_the_version()
    {
        var store = await Snapshots();
        var ann = At(7);

        var unknown = await Read(store, "ann");
        await store.WriteStateAsync("customer", Customer("ann"), ann);
        var first = await Read(store, "ann");
        ann.State!.JournalSequence = 8;
        await store.WriteStateAsync("customer", Customer("ann"), ann);
        var second = await Read(store, "ann");

        Assert.False(unknown.RecordExists);
        Assert.Null(unknown.ETag);
        Assert.Equal(0, unknown.State!.JournalSequence);
        Assert.True(first.RecordExists);
        Assert.Equal(("1", 7L, "ref-7"), (first.ETag, first.State!.JournalSequence, first.State!.AuditRef));
        Assert.Equal(("2", 8L), (ann.ETag, second.State!.JournalSequence));
        Assert.Equal("2", second.ETag);
        await store.StopAsync(CancellationToken.None);
    }

    [SkippableFact]
    public async Task A_write_from_a_stale_activation_is_refused_and_leaves_the_stored_snapshot_while_the_rest_of_its_batch_is_written()
    {
        var store = await Snapshots(writers: 1, start: false);
        var current = At(1);
        var setup = await Snapshots();
        await setup.WriteStateAsync("customer", Customer("bea"), current);
        current.State!.JournalSequence = 2;
        await setup.WriteStateAsync("customer", Customer("bea"), current);

        // Queued before the writer runs, so they share one transaction: an activation that read version 1,
        // one that never read a row although one exists, and two first writes of other customers.
        var stale = store.WriteStateAsync("customer", Customer("bea"), At(99, etag: "1"));
        var blind = store.WriteStateAsync("customer", Customer("bea"), At(98));
        var neighbours = new[] { "cid", "dan" }.Select(c => store.WriteStateAsync("customer", Customer(c), At(5))).ToArray();
        await store.StartAsync(CancellationToken.None);

        var refused = await Assert.ThrowsAsync<InconsistentStateException>(() => stale);
        await Assert.ThrowsAsync<InconsistentStateException>(() => blind);
        await Task.WhenAll(neighbours);
        Assert.Equal(("2", "1"), (refused.StoredEtag, refused.CurrentEtag));
        var bea = await Read(setup, "bea");
        Assert.Equal(("2", 2L), (bea.ETag, bea.State!.JournalSequence));
        var neighbourSequences = await Task.WhenAll(new[] { "cid", "dan" }.Select(async c => (await Read(setup, c)).State!.JournalSequence));
        Assert.Equal([5L, 5L], neighbourSequences);
        Assert.Contains(4L, _writeBatches);
        await store.StopAsync(CancellationToken.None);
        await setup.StopAsync(CancellationToken.None);
    }

    [SkippableFact]
    public async Task A_write_PostgreSQL_refuses_fails_alone_and_its_batch_neighbours_are_written_exactly_once()
    {
        var store = await Snapshots(writers: 1, start: false);
        var first = At(1);
        var last = At(3);

        // Queued before the writer runs, so they share one batch; the middle id is longer than the column allows.
        var before = store.WriteStateAsync("customer", Customer("fay"), first);
        var refused = store.WriteStateAsync("customer", Customer(new string('x', 129)), At(2));
        var after = store.WriteStateAsync("customer", Customer("gus"), last);
        await store.StartAsync(CancellationToken.None);

        await Assert.ThrowsAnyAsync<Exception>(() => refused);
        await Task.WhenAll(before, after);
        // Written once each: had the failed batch kept its first statement, the retry alone would have conflicted.
        Assert.Equal(("1", "1"), (first.ETag, last.ETag));
        var stored = (await Read(store, "fay"), await Read(store, "gus"));
        Assert.Equal((1L, 3L), (stored.Item1.State!.JournalSequence, stored.Item2.State!.JournalSequence));
        await store.StopAsync(CancellationToken.None);
    }

    [SkippableFact]
    public async Task A_write_is_prepared_once_per_connection_and_reaches_its_customers_partition_alone()
    {
        // The silo's engine pool, narrowed to one connection so the spec sees the session that wrote.
        var engine = new PostgresStorageOptions { ConnectionString = _connectionString, Pools = { JournalPoolSize = 1 } }.EngineConnectionString;
        var store = await Snapshots(readers: 1, writers: 1, connectionString: engine);
        var eve = At(1);
        for (var write = 0; write < 12; write++)
        {
            eve.State!.JournalSequence = write;
            await store.WriteStateAsync("customer", Customer("eve"), eve);
        }
        await store.StopAsync(CancellationToken.None);

        await using var connection = await _databases[^1].OpenConnectionAsync();
        await using var prepared = new NpgsqlCommand("SELECT name FROM pg_prepared_statements WHERE statement LIKE 'UPDATE ma_customer_snapshots %'", connection);
        var name = await prepared.ExecuteScalarAsync() as string;
        Assert.NotNull(name);
        await using var explain = new NpgsqlCommand($"EXPLAIN EXECUTE \"{name}\"('eve', 12, '\\x00')", connection);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
            while (await reader.ReadAsync()) plan.Add(reader.GetString(0));

        var partitions = plan.SelectMany(line => Regex.Matches(line, @"ma_customer_snapshots_p\d+\b").Select(m => m.Value)).Distinct().ToList();
        Assert.Single(partitions);
    }

    [SkippableFact]
    public async Task Reads_of_a_burst_of_activations_are_served_by_one_query_each_getting_its_own_snapshot()
    {
        var setup = await Snapshots();
        await Task.WhenAll(Enumerable.Range(0, 300).Where(i => i % 3 == 0).Select(i => setup.WriteStateAsync("customer", Customer($"burst{i}"), At(i))));
        var store = await Snapshots(readers: 1, start: false);
        var customers = Enumerable.Range(0, 300).Select(i => $"burst{i}").Append("burst3").ToArray();

        // Queued before the reader runs: exactly a batch of new customers activating while the reader is busy.
        var reads = customers.Select(c => Read(store, c)).ToArray();
        await store.StartAsync(CancellationToken.None);
        var states = await Task.WhenAll(reads);

        Assert.Equal([301L], _readQueries);
        for (var i = 0; i < 300; i++)
        {
            Assert.Equal(i % 3 == 0, states[i].RecordExists);
            Assert.Equal(i % 3 == 0 ? i : 0, states[i].State!.JournalSequence);
        }
        Assert.NotSame(states[3].State, states[300].State);
        Assert.Equal(3, states[300].State!.JournalSequence);
        await store.StopAsync(CancellationToken.None);
        await setup.StopAsync(CancellationToken.None);
    }

    [SkippableFact]
    public async Task Clearing_deletes_the_snapshot_at_its_version_only_and_the_customer_can_be_written_afresh()
    {
        var store = await Snapshots();
        var eve = At(1);
        await store.WriteStateAsync("customer", Customer("eve"), eve);
        var stale = At(1, etag: eve.ETag);
        await store.WriteStateAsync("customer", Customer("eve"), eve);

        await Assert.ThrowsAsync<InconsistentStateException>(() => store.ClearStateAsync("customer", Customer("eve"), stale));
        var kept = await Read(store, "eve");
        await store.ClearStateAsync("customer", Customer("eve"), eve);
        var cleared = await Read(store, "eve");
        await store.ClearStateAsync("customer", Customer("never-written"), At(0));
        var again = At(3);
        await store.WriteStateAsync("customer", Customer("eve"), again);

        Assert.True(kept.RecordExists);
        Assert.Null(eve.ETag);
        Assert.False(eve.RecordExists);
        Assert.False(cleared.RecordExists);
        Assert.Equal("1", again.ETag);
        Assert.Equal(3, (await Read(store, "eve")).State!.JournalSequence);
        await store.StopAsync(CancellationToken.None);
    }

    [SkippableFact]
    public async Task Stopping_commits_the_queued_writes_and_refuses_later_ones()
    {
        var store = await Snapshots(writers: 1);
        var customers = Enumerable.Range(0, 200).Select(i => $"stop{i}").ToArray();
        var writes = customers.Select(c => store.WriteStateAsync("customer", Customer(c), At(1))).ToArray();

        await store.StopAsync(CancellationToken.None);
        var refused = await Assert.ThrowsAsync<CustomerStateUnavailableException>(() => store.WriteStateAsync("customer", Customer("late"), At(1)));

        Assert.True(writes.All(w => w.IsCompletedSuccessfully), "every write queued before the stop is committed when it returns");
        Assert.Contains("shutting down", refused.Message);
        Assert.Equal(200L, await DatabaseRows.Count(_databases[0].ConnectionString, "SELECT count(*) FROM ma_customer_snapshots WHERE customer_id LIKE 'stop%'"));
    }

    [SkippableFact]
    public async Task Without_PostgreSQL_reads_and_writes_fail_as_unavailable_which_the_gateway_answers_with_503()
    {
        var store = await Snapshots(connectionString: $"Host=127.0.0.1;Port={EmbeddedEngine.FreePort()};Username=postgres;Database=x;Timeout=2");

        var read = await Assert.ThrowsAsync<CustomerStateUnavailableException>(() => Read(store, "fay"));
        var write = await Assert.ThrowsAsync<CustomerStateUnavailableException>(() => store.WriteStateAsync("customer", Customer("fay"), At(1)));

        Assert.IsAssignableFrom<OrleansException>(read);
        Assert.Contains("unavailable", write.Message);
        await store.StopAsync(CancellationToken.None);
    }
}
