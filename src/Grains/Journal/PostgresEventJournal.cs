using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using MarketingActors.Events;
using MarketingActors.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace MarketingActors.Journal;

/// <summary>
/// The event journal on PostgreSQL with group commit: appends from every customer grain of this
/// silo queue up, and each writer takes everything queued into one binary COPY, so one fsync
/// carries many events. A failed batch is retried append by append, so one bad append (say a
/// sequence conflict from a split-brain duplicate activation) cannot fail its neighbours.
/// </summary>
public sealed class PostgresEventJournal(
    NpgsqlDataSource database,
    IOptions<JournalOptions> options,
    EngineMetrics metrics,
    ILogger<PostgresEventJournal> logger) : IEventJournal, IHostedService
{
    private readonly Channel<PendingAppend> _queue = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = false });
    private readonly List<Task> _writers = [];

    private sealed record PendingAppend(string CustomerId, IReadOnlyList<JournalEntry> Entries, TaskCompletionSource Done);

    public bool IsDurable => true;

    public Task Append(string customerId, IReadOnlyList<JournalEntry> entries)
    {
        if (entries.Count == 0) return Task.CompletedTask;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new PendingAppend(customerId, entries, done)))
            throw new JournalUnavailableException("the journal is shutting down");
        return done.Task;
    }

    public async Task<IReadOnlyList<JournalEntry>> ReadAfter(string customerId, long sequence)
    {
        try
        {
            await using var command = database.CreateCommand(
                "SELECT sequence, payload FROM ma_event_journal WHERE customer_id = $1 AND sequence > $2 ORDER BY sequence");
            command.Parameters.AddWithValue(customerId);
            command.Parameters.AddWithValue(sequence);
            await using var reader = await command.ExecuteReaderAsync();
            var entries = new List<JournalEntry>();
            while (await reader.ReadAsync())
            {
                entries.Add(new JournalEntry(reader.GetInt64(0), JsonSerializer.Deserialize<MarketingEvent>(reader.GetFieldValue<byte[]>(1))!));
            }
            return entries;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new JournalUnavailableException("the event journal cannot be read: " + e.Message);
        }
    }

    public async Task Erase(string customerId)
    {
        try
        {
            await using var command = database.CreateCommand("DELETE FROM ma_event_journal WHERE customer_id = $1");
            command.Parameters.AddWithValue(customerId);
            await command.ExecuteNonQueryAsync();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new JournalUnavailableException("the event journal cannot erase: " + e.Message);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < options.Value.Writers; i++) _writers.Add(Task.Run(WriteLoop, CancellationToken.None));
        return Task.CompletedTask;
    }

    /// <summary>Graceful shutdown: stop taking appends, commit everything queued.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_writers).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Whatever is still queued was never acknowledged, so its senders retry elsewhere; stopping must not crash the host.
            logger.LogWarning("Shutdown timed out with {Appends} journal appends uncommitted; they were not acknowledged", _queue.Reader.Count);
        }
    }

    private async Task WriteLoop()
    {
        var batch = new List<PendingAppend>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            var events = 0;
            while (events < options.Value.MaxBatchEvents && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
                events += pending.Entries.Count;
            }
            if (batch.Count == 0) continue;
            try
            {
                await Commit(batch, events);
                foreach (var p in batch) p.Done.TrySetResult();
            }
            catch (Exception e) when (batch.Count > 1)
            {
                logger.LogWarning(e, "Journal batch of {Appends} appends failed; retrying them one by one", batch.Count);
                foreach (var p in batch) await CommitAlone(p);
            }
            catch (Exception e)
            {
                batch[0].Done.TrySetException(Unavailable(e));
            }
        }
    }

    private async Task CommitAlone(PendingAppend pending)
    {
        try
        {
            await Commit([pending], pending.Entries.Count);
            pending.Done.TrySetResult();
        }
        catch (Exception e)
        {
            pending.Done.TrySetException(Unavailable(e));
        }
    }

    private async Task Commit(IReadOnlyList<PendingAppend> batch, int events)
    {
        await using var connection = await database.OpenConnectionAsync();
        var started = Stopwatch.GetTimestamp();
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY ma_event_journal (customer_id, sequence, event_id, payload) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var pending in batch)
            {
                foreach (var entry in pending.Entries)
                {
                    await copy.StartRowAsync();
                    await copy.WriteAsync(pending.CustomerId, NpgsqlDbType.Varchar);
                    await copy.WriteAsync(entry.Sequence, NpgsqlDbType.Bigint);
                    await copy.WriteAsync(entry.Event.EventId, NpgsqlDbType.Varchar);
                    await copy.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(entry.Event), NpgsqlDbType.Bytea);
                }
            }
            await copy.CompleteAsync();
        }
        metrics.JournalCommitted(events, Stopwatch.GetElapsedTime(started));
    }

    private static JournalUnavailableException Unavailable(Exception e) =>
        e as JournalUnavailableException ?? new JournalUnavailableException("the event journal could not commit: " + e.Message);
}
