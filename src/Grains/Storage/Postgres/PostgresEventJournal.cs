using System.Diagnostics;
using MarketingActors.Events;
using MarketingActors.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace MarketingActors.Storage.Postgres;

/// <summary>
/// The event journal on PostgreSQL with group commit: appends from every customer grain of this
/// silo queue up, and each writer takes everything queued into one binary COPY, so one fsync
/// carries many events. A failed batch is retried append by append, so one bad append (say a
/// sequence conflict from a split-brain duplicate activation) cannot fail its neighbours.
/// Tail reads are coalesced the same way: a burst of activations (a batch of new customers) costs
/// a few queries on a few connections, not one connection per activation.
/// </summary>
public sealed class PostgresEventJournal : IEventJournal, IHostedService
{
    private readonly NpgsqlDataSource _database;
    private readonly EngineMetrics _metrics;
    private readonly ILogger<PostgresEventJournal> _logger;
    private readonly BatchingQueue<PendingAppend> _appends;
    private readonly BatchingQueue<PendingRead> _reads;
    private readonly JournalRowFormat _rowFormat;

    private sealed record PendingAppend(string CustomerId, IReadOnlyList<JournalEntry> Entries, TaskCompletionSource<IReadOnlySet<string>> Done);

    private sealed record PendingRead(string CustomerId, long After, TaskCompletionSource<IReadOnlyList<JournalEntry>> Done);

    public PostgresEventJournal(NpgsqlDataSource database, IOptions<JournalOptions> options, EngineMetrics metrics, ILogger<PostgresEventJournal> logger)
    {
        _database = database;
        _metrics = metrics;
        _logger = logger;
        var o = options.Value;
        _rowFormat = o.RowFormat;
        _appends = new(o.Writers, o.MaxBatchEvents, p => p.Entries.Count, CommitGroup, (p, e) => p.Done.TrySetException(Unavailable(e)),
            retryingAlone: (appends, e) => _logger.LogWarning(e, "Journal batch of {Appends} appends failed; retrying them one by one", appends));
        _reads = new(o.TailReaders, o.MaxTailReadCustomers, _ => 1, ReadTails, (p, e) => p.Done.TrySetException(Unavailable(e)));
    }

    public bool IsDurable => true;

    public Task<IReadOnlySet<string>> Append(string customerId, IReadOnlyList<JournalEntry> entries)
    {
        if (entries.Count == 0) return Task.FromResult(NoEventJournal.NoneKnown);
        var done = new TaskCompletionSource<IReadOnlySet<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_appends.TryEnqueue(new PendingAppend(customerId, entries, done))) throw ShuttingDown();
        return done.Task;
    }

    public Task<IReadOnlyList<JournalEntry>> ReadAfter(string customerId, long sequence)
    {
        var done = new TaskCompletionSource<IReadOnlyList<JournalEntry>>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_reads.TryEnqueue(new PendingRead(customerId, sequence, done))) throw ShuttingDown();
        return done.Task;
    }

    public async Task Erase(string customerId)
    {
        try
        {
            await using var command = _database.CreateCommand("DELETE FROM ma_event_journal WHERE customer_id = $1");
            command.Parameters.AddWithValue(customerId);
            await command.ExecuteNonQueryAsync();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new JournalUnavailableException("the event journal cannot erase: " + e.Message);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => BatchingQueues.Start(_appends, _reads);

    /// <summary>
    /// Graceful shutdown: stop taking appends, commit everything queued. At the host's shutdown
    /// deadline whatever is still queued fails (its callers answer 503; none of it was acknowledged)
    /// so the host exits cleanly instead of being aborted.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var failed = await BatchingQueues.Stop(cancellationToken, ShuttingDown, _reads, _appends);
        if (failed.Sum() > 0)
            _logger.LogWarning("Shutdown deadline reached: {Appends} journal appends not committed and {Reads} tail reads not served; they failed and were not acknowledged", failed[1], failed[0]);
    }

    private static JournalUnavailableException ShuttingDown() => new("the journal is shutting down");

    /// <summary>
    /// One transaction per group. Optimistically every queued event is COPYed straight into the
    /// journal: a re-send the customer grain no longer remembers is rare, and the (customer, event
    /// id) index refuses it. Only then is the group committed the careful way (<see cref="CommitSkippingKnown"/>).
    /// </summary>
    private async Task CommitGroup(List<PendingAppend> batch)
    {
        await using var connection = await Open();
        var started = Stopwatch.GetTimestamp();
        int events;
        try
        {
            await using var transaction = await connection.BeginTransactionAsync();
            events = await Copy(connection, "COPY ma_event_journal (customer_id, sequence, event_id, payload) FROM STDIN (FORMAT BINARY)", batch);
            await transaction.CommitAsync();
        }
        // Any unique violation: the event-id index is one per partition (schema 011), named by PostgreSQL; a sequence clash fails the careful path too.
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await CommitSkippingKnown(connection, batch, started);
            return;
        }
        _metrics.JournalCommitted(events, Stopwatch.GetElapsedTime(started));
        foreach (var p in batch) p.Done.TrySetResult(NoEventJournal.NoneKnown);
    }

    /// <summary>
    /// A group holding an event id already journaled: every queued event is COPYed into this
    /// connection's staging table, then moved into the journal skipping the (customer, event id)
    /// pairs it already holds. Those skipped are answered to their grains as already journaled, so
    /// a re-send of any age is applied once; a sequence clash (two activations of one customer)
    /// still fails the group.
    /// </summary>
    private async Task CommitSkippingKnown(NpgsqlConnection connection, List<PendingAppend> batch, long started)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var stage = new NpgsqlCommand(
            "CREATE TEMP TABLE IF NOT EXISTS ma_journal_stage (customer_id varchar(128), sequence bigint, event_id varchar(128), payload bytea) ON COMMIT DELETE ROWS",
            connection, transaction))
        {
            await stage.ExecuteNonQueryAsync();
        }
        var events = await Copy(connection, "COPY ma_journal_stage (customer_id, sequence, event_id, payload) FROM STDIN (FORMAT BINARY)", batch);
        var inserted = new HashSet<(string, string)>();
        await using (var move = new NpgsqlCommand(
            """
            INSERT INTO ma_event_journal (customer_id, sequence, event_id, payload)
            SELECT customer_id, sequence, event_id, payload FROM ma_journal_stage
            ON CONFLICT (customer_id, event_id) DO NOTHING
            RETURNING customer_id, event_id
            """, connection, transaction))
        await using (var reader = await move.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) inserted.Add((reader.GetString(0), reader.GetString(1)));
        }
        await transaction.CommitAsync();
        _metrics.JournalCommitted(inserted.Count, Stopwatch.GetElapsedTime(started));
        foreach (var p in batch)
        {
            var known = events == inserted.Count ? NoEventJournal.NoneKnown
                : p.Entries.Where(e => !inserted.Contains((p.CustomerId, e.Event.EventId))).Select(e => e.Event.EventId).ToHashSet(StringComparer.Ordinal);
            p.Done.TrySetResult(known);
        }
    }

    /// <summary>Every event of the group as one binary COPY; returns how many.</summary>
    private async Task<int> Copy(NpgsqlConnection connection, string command, List<PendingAppend> batch)
    {
        var events = 0;
        await using var copy = await connection.BeginBinaryImportAsync(command);
        foreach (var pending in batch)
        {
            foreach (var entry in pending.Entries)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(pending.CustomerId, NpgsqlDbType.Varchar);
                await copy.WriteAsync(entry.Sequence, NpgsqlDbType.Bigint);
                await copy.WriteAsync(entry.Event.EventId, NpgsqlDbType.Varchar);
                await copy.WriteAsync(JournalPayload.Of(entry.Event, _rowFormat), NpgsqlDbType.Bytea);
                events++;
            }
        }
        await copy.CompleteAsync();
        return events;
    }

    /// <summary>One query for every customer in the batch; each caller gets only its own entries after its own position.</summary>
    private async Task ReadTails(List<PendingRead> batch)
    {
        var after = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var p in batch) after[p.CustomerId] = after.TryGetValue(p.CustomerId, out var seen) ? Math.Min(seen, p.After) : p.After;
        var tails = new Dictionary<string, List<JournalEntry>>(StringComparer.Ordinal);
        await using (var connection = await Open())
        await using (var command = new NpgsqlCommand(
            """
            SELECT j.customer_id, j.sequence, j.payload, j.event_id
            FROM unnest($1::varchar[], $2::bigint[]) AS t(customer_id, after)
            JOIN ma_event_journal j ON j.customer_id = t.customer_id AND j.sequence > t.after
            ORDER BY j.customer_id, j.sequence
            """, connection))
        {
            command.Parameters.AddWithValue(after.Keys.ToArray());
            command.Parameters.AddWithValue(after.Values.ToArray());
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var customer = reader.GetString(0);
                if (!tails.TryGetValue(customer, out var tail)) tails[customer] = tail = [];
                tail.Add(new JournalEntry(reader.GetInt64(1), JournalPayload.Read(reader.GetFieldValue<byte[]>(2), customer, reader.GetString(3))));
            }
        }
        _metrics.JournalTailsRead(after.Count);
        foreach (var p in batch)
        {
            p.Done.TrySetResult(tails.TryGetValue(p.CustomerId, out var tail) ? tail.Where(e => e.Sequence > p.After).ToList() : []);
        }
    }

    private Task<NpgsqlConnection> Open() => _database.OpenMeasured(_metrics.JournalConnectionWaited);

    private static JournalUnavailableException Unavailable(Exception e) =>
        e as JournalUnavailableException ?? new JournalUnavailableException("the event journal is unavailable: " + e.Message);
}
