using System.Diagnostics.Metrics;
using MarketingActors.Events;
using MarketingActors.Storage;
using MarketingActors.Storage.Postgres;
using MarketingActors.Telemetry;
using MarketingActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MarketingActors.Tests.Grains.Storage.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresEventJournalSpec(PostgresServer postgres) : IAsyncLifetime
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private NpgsqlDataSource? _database;
    private readonly List<long> _tailQueries = [];
    private MeterListener? _listener;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _listener?.Dispose();
        if (_database is not null) await _database.DisposeAsync();
        await _services.DisposeAsync();
    }

    private async Task<PostgresEventJournal> Journal(int writers = 2, int tailReaders = 2, JournalRowFormat rowFormat = JournalRowFormat.Binary)
    {
        var connectionString = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(connectionString);
        _database = NpgsqlDataSource.Create(connectionString);
        var meters = _services.GetRequiredService<IMeterFactory>();
        // Only this spec's meter: other specs run their own engines in parallel.
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == meters && instrument.Name == "ma.journal.read.batch.size") listener.EnableMeasurementEvents(instrument);
            },
        };
        _listener.SetMeasurementEventCallback<long>((_, customers, _, _) => { lock (_tailQueries) _tailQueries.Add(customers); });
        _listener.Start();
        return new PostgresEventJournal(_database, Options.Create(new JournalOptions { Writers = writers, TailReaders = tailReaders, RowFormat = rowFormat }),
            new EngineMetrics(meters), NullLogger<PostgresEventJournal>.Instance);
    }

    private static JournalEntry[] Entries(string customer, int from, int count) =>
        Enumerable.Range(from, count).Select(s => new JournalEntry(s, TestEvents.Of(customer, "page_view", eventId: $"{customer}-{s}"))).ToArray();

    [SkippableFact]
    public async Task Concurrent_tail_reads_each_return_their_own_customers_entries_after_their_own_position()
    {
        var journal = await Journal();
        await journal.StartAsync(CancellationToken.None);
        var customers = Enumerable.Range(0, 40).Select(i => $"c{i}").ToArray();
        await Task.WhenAll(customers.Select((c, i) => journal.Append(c, Entries(c, 1, i % 7 + 1))));

        var tails = await Task.WhenAll(customers.Select((c, i) => journal.ReadAfter(c, i % 3)));
        var unknown = await journal.ReadAfter("nobody", 0);

        for (var i = 0; i < customers.Length; i++)
        {
            var expected = Enumerable.Range(1, i % 7 + 1).Where(s => s > i % 3).Select(s => $"c{i}-{s}");
            Assert.Equal(expected, tails[i].Select(e => e.Event.EventId));
            Assert.Equal(tails[i].Select(e => e.Sequence).Order(), tails[i].Select(e => e.Sequence));
        }
        Assert.Empty(unknown);
        await journal.StopAsync(CancellationToken.None);
    }

    [SkippableFact]
    public async Task Tail_reads_that_queue_up_together_are_served_by_one_query()
    {
        var journal = await Journal(tailReaders: 1);
        var customers = Enumerable.Range(0, 300).Select(i => $"burst{i}").ToArray();
        // Queued before the reader runs: exactly a burst of activations arriving while the reader is busy.
        var reads = customers.Select(c => journal.ReadAfter(c, 0)).Append(journal.ReadAfter("burst7", 0)).ToArray();

        await journal.StartAsync(CancellationToken.None);
        await Task.WhenAll(reads);

        Assert.Equal([300L], _tailQueries);
        await journal.StopAsync(CancellationToken.None);
    }

    [SkippableFact]
    public async Task Stopping_past_the_deadline_fails_the_queued_appends_and_lets_the_committing_one_finish()
    {
        var journal = await Journal(writers: 1);
        await journal.StartAsync(CancellationToken.None);
        await using var blocker = await _database!.OpenConnectionAsync();
        await using var tx = await blocker.BeginTransactionAsync();
        // Blocks COPY (row writes), not reads: the first group commit hangs until the lock goes.
        await new NpgsqlCommand("LOCK TABLE ma_event_journal IN EXCLUSIVE MODE", blocker, tx).ExecuteNonQueryAsync();
        var committing = journal.Append("ann", Entries("ann", 1, 1));
        await Eventually.Holds(() => DatabaseRows.JournalCommitsWaitingOnALock(_database!.ConnectionString), n => n == 1, TimeSpan.FromSeconds(30), "the first commit waits for the lock");
        var queued = journal.Append("ben", Entries("ben", 1, 1));

        await journal.StopAsync(new CancellationToken(canceled: true));
        var refused = Assert.Throws<JournalUnavailableException>(() => { _ = journal.Append("cid", Entries("cid", 1, 1)); });
        var failed = await Assert.ThrowsAsync<JournalUnavailableException>(() => queued.WaitAsync(TimeSpan.FromSeconds(30)));
        await tx.RollbackAsync();
        await committing;

        Assert.Contains("shutting down", failed.Message);
        Assert.Contains("shutting down", refused.Message);
        Assert.Equal(["ann-1"], (await ReadAll()).Select(e => e.Event.EventId));
    }

    [SkippableFact]
    public async Task A_group_holding_an_event_id_already_journaled_commits_its_other_events_and_answers_that_one_as_known()
    {
        var journal = await Journal(writers: 1);
        await journal.StartAsync(CancellationToken.None);
        Assert.Empty(await journal.Append("ann", Entries("ann", 1, 3)));

        // Queued together: the re-sent ann-2 (past the grain's memory, at a new sequence) among twenty customers' new events.
        var resent = journal.Append("ann", [new JournalEntry(4, TestEvents.Of("ann", "page_view", eventId: "ann-2")), .. Entries("ann", 5, 1)]);
        var neighbours = Enumerable.Range(0, 20).Select(i => journal.Append($"n{i}", Entries($"n{i}", 1, 2))).ToArray();

        Assert.Equal(["ann-2"], await resent);
        Assert.All(await Task.WhenAll(neighbours), Assert.Empty);
        var all = await ReadAll();
        Assert.Equal(3 + 1 + 40, all.Count);
        Assert.Single(all, e => e.Event.EventId == "ann-2");
        Assert.Contains(all, e => e.Event.EventId == "ann-5" && e.Sequence == 5);
        await journal.StopAsync(CancellationToken.None);
    }

    [SkippableFact]
    public async Task During_a_rolling_upgrade_it_writes_the_json_rows_older_silos_read_and_reads_both_formats()
    {
        var binary = await Journal();
        await binary.StartAsync(CancellationToken.None);
        await binary.Append("ann", Entries("ann", 1, 2));
        await binary.StopAsync(CancellationToken.None);
        var json = new PostgresEventJournal(_database!, Options.Create(new JournalOptions { RowFormat = JournalRowFormat.Json }),
            new EngineMetrics(_services.GetRequiredService<IMeterFactory>()), NullLogger<PostgresEventJournal>.Instance);
        await json.StartAsync(CancellationToken.None);

        await json.Append("ann", Entries("ann", 3, 2));

        await using var command = _database!.CreateCommand("SELECT payload FROM ma_event_journal WHERE customer_id = 'ann' AND sequence >= 3 ORDER BY sequence");
        await using (var reader = await command.ExecuteReaderAsync())
        {
            // What a silo from before the binary rows does with a row: the default serializer over the whole payload.
            for (var s = 3; await reader.ReadAsync(); s++)
                Assert.Equal($"ann-{s}", System.Text.Json.JsonSerializer.Deserialize<MarketingEvent>(reader.GetFieldValue<byte[]>(0))!.EventId);
        }
        Assert.Equal(["ann-1", "ann-2", "ann-3", "ann-4"], (await json.ReadAfter("ann", 0)).Select(e => e.Event.EventId));
        await json.StopAsync(CancellationToken.None);
    }

    private async Task<List<JournalEntry>> ReadAll()
    {
        await using var command = _database!.CreateCommand("SELECT sequence, payload, customer_id, event_id FROM ma_event_journal ORDER BY customer_id, sequence");
        await using var reader = await command.ExecuteReaderAsync();
        var all = new List<JournalEntry>();
        while (await reader.ReadAsync())
            all.Add(new JournalEntry(reader.GetInt64(0), JournalPayload.Read(reader.GetFieldValue<byte[]>(1), reader.GetString(2), reader.GetString(3))));
        return all;
    }
}
