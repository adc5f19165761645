using System.Diagnostics;
using MarketingActors.Customers;
using MarketingActors.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace MarketingActors.Storage.Postgres;

/// <summary>
/// The "customers" grain storage in cluster mode: customer snapshots in ma_customer_snapshots,
/// batched like the event journal. Activating customers queue their reads and each reader serves
/// every one queued meanwhile with one query, so a batch of 500 new customers costs a few queries
/// instead of 500 round trips. Writes and clears are group-committed: one round trip and one commit
/// carry many grains' snapshots, each checked against its own version, so a stale grain gets
/// <see cref="InconsistentStateException"/> while the rest of its batch succeeds. Payloads are
/// the Orleans binary serializer's, as with the ADO.NET storage it replaces.
/// </summary>
public sealed class PostgresCustomerSnapshots : IGrainStorage, IHostedService
{
    private readonly NpgsqlDataSource _database;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly EngineMetrics _metrics;
    private readonly ILogger<PostgresCustomerSnapshots> _logger;
    private readonly BatchingQueue<PendingRead> _reads;
    private readonly BatchingQueue<PendingWrite> _writes;

    private sealed record StoredSnapshot(long Version, byte[] Payload);

    private sealed record PendingRead(string CustomerId, TaskCompletionSource<StoredSnapshot?> Done);

    /// <summary>A null <paramref name="Payload"/> clears the snapshot; the result is the new version (<see cref="SnapshotVersions.Cleared"/> for a clear).</summary>
    private sealed record PendingWrite(string CustomerId, long? Expected, byte[]? Payload, TaskCompletionSource<long> Done);

    public PostgresCustomerSnapshots(NpgsqlDataSource database, IGrainStorageSerializer serializer, IActivatorProvider activators,
        IOptions<CustomerSnapshotOptions> options, EngineMetrics metrics, ILogger<PostgresCustomerSnapshots> logger)
    {
        _database = database;
        _serializer = serializer;
        _activators = activators;
        _metrics = metrics;
        _logger = logger;
        var o = options.Value;
        _reads = new(o.Readers, o.MaxReadCustomers, _ => 1, Read, (p, e) => p.Done.TrySetException(Unavailable(e)));
        _writes = new(o.Writers, o.MaxWriteSnapshots, _ => 1, Commit, (p, e) => p.Done.TrySetException(Unavailable(e)),
            retryingAlone: (writes, e) => _logger.LogWarning(e, "Customer snapshot batch of {Writes} writes failed; retrying them one by one", writes));
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var done = new TaskCompletionSource<StoredSnapshot?>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_reads.TryEnqueue(new PendingRead(CustomerIdOf(grainId), done))) throw ShuttingDown();
        var stored = await done.Task;
        // Deserialized here, on the grain's turn, so the readers' loops only move bytes.
        grainState.State = stored is null ? _activators.GetActivator<T>().Create() : _serializer.Deserialize<T>(new BinaryData(stored.Payload));
        grainState.ETag = SnapshotVersions.ETag(stored?.Version);
        grainState.RecordExists = stored is not null;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var version = await Enqueue(grainId, grainState.ETag, _serializer.Serialize(grainState.State).ToArray());
        grainState.ETag = SnapshotVersions.ETag(version);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await Enqueue(grainId, grainState.ETag, payload: null);
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    public Task StartAsync(CancellationToken cancellationToken) => BatchingQueues.Start(_reads, _writes);

    /// <summary>
    /// Runs after the silo deactivated its customers (each writing its snapshot): everything
    /// queued is committed; at the host's shutdown deadline what is still queued fails, so no
    /// grain believes a snapshot was written that was not.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var failed = await BatchingQueues.Stop(cancellationToken, ShuttingDown, _reads, _writes);
        if (failed.Sum() > 0)
            _logger.LogWarning("Shutdown deadline reached: {Writes} customer snapshot writes not committed and {Reads} reads not served; they failed (the journal keeps every acknowledged event)", failed[1], failed[0]);
    }

    /// <summary>The "customers" storage serves customer grains only, keyed by customer id like the journal.</summary>
    private static string CustomerIdOf(GrainId grainId) => grainId.Key.ToString()!;

    private Task<long> Enqueue(GrainId grainId, string? etag, byte[]? payload)
    {
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_writes.TryEnqueue(new PendingWrite(CustomerIdOf(grainId), SnapshotVersions.Expected(etag), payload, done))) throw ShuttingDown();
        return done.Task;
    }

    /// <summary>One query for every customer in the batch; a customer asked for twice gets its own copy each time.</summary>
    private async Task Read(List<PendingRead> batch)
    {
        var found = new Dictionary<string, StoredSnapshot>(StringComparer.Ordinal);
        await using (var connection = await Open())
        await using (var command = new NpgsqlCommand("SELECT customer_id, version, payload FROM ma_customer_snapshots WHERE customer_id = ANY($1)", connection))
        {
            command.Parameters.AddWithValue(batch.Select(p => p.CustomerId).Distinct(StringComparer.Ordinal).ToArray());
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) found[reader.GetString(0)] = new StoredSnapshot(reader.GetInt64(1), reader.GetFieldValue<byte[]>(2));
        }
        _metrics.SnapshotsRead(batch.Count);
        foreach (var p in batch) p.Done.TrySetResult(found.GetValueOrDefault(p.CustomerId));
    }

    /// <summary>
    /// The whole batch in one round trip and one transaction (a batch of statements runs in an
    /// implicit one): per snapshot, in queue order, a delete or an update at the expected version or
    /// a first insert, each on one customer's key, so PostgreSQL plans it against that customer's
    /// partition alone. A statement that changed no row conflicted; the versions stored now are read
    /// for those afterwards (rare: what a stale grain is told it conflicted with). One statement
    /// over the whole batch's arrays, as before, was planned across all sixteen partitions on every
    /// write, 1–2 ms and a tenth of PostgreSQL's CPU under page-view load (docs/decisions.md).
    /// </summary>
    private async Task Commit(List<PendingWrite> batch)
    {
        var applied = new long?[batch.Count];
        var stored = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var connection = await Open())
        {
            var started = Stopwatch.GetTimestamp();
            await using (var statements = new NpgsqlBatch(connection))
            {
                var writes = batch.ConvertAll(Write);
                foreach (var write in writes) statements.BatchCommands.Add(write.Statement);
                await statements.ExecuteNonQueryAsync();
                for (var i = 0; i < batch.Count; i++)
                    if (statements.BatchCommands[i].RecordsAffected == 1) applied[i] = writes[i].Applied;
            }
            _metrics.SnapshotsWritten(batch.Count, Stopwatch.GetElapsedTime(started));
            var conflicted = batch.Where((_, i) => applied[i] is null).Select(p => p.CustomerId).Distinct(StringComparer.Ordinal).ToArray();
            if (conflicted.Length > 0)
            {
                await using var versions = new NpgsqlCommand("SELECT customer_id, version FROM ma_customer_snapshots WHERE customer_id = ANY($1)", connection);
                versions.Parameters.AddWithValue(conflicted);
                await using var reader = await versions.ExecuteReaderAsync();
                while (await reader.ReadAsync()) stored[reader.GetString(0)] = reader.GetInt64(1);
            }
        }
        for (var i = 0; i < batch.Count; i++)
        {
            var p = batch[i];
            long? now = stored.TryGetValue(p.CustomerId, out var version) ? version : null;
            if (SnapshotVersions.Succeeded(p.Payload is null, p.Expected, applied[i], now))
            {
                p.Done.TrySetResult(applied[i] ?? SnapshotVersions.Cleared);
                continue;
            }
            _metrics.SnapshotConflicted();
            p.Done.TrySetException(new InconsistentStateException(
                $"the snapshot of customer {p.CustomerId} changed since this activation read it", SnapshotVersions.ETag(now) ?? "none", SnapshotVersions.ETag(p.Expected) ?? "none"));
        }
    }

    /// <summary>
    /// The statement of one write or clear, its parameters numbered in the order given and typed, so
    /// each of the three texts is prepared once per connection whatever the values (a null version
    /// too); and the version it leaves when it changes its row: none after a delete, 1 after the first insert.
    /// </summary>
    private static (NpgsqlBatchCommand Statement, long Applied) Write(PendingWrite p) => p switch
    {
        { Payload: null } => (Command("DELETE FROM ma_customer_snapshots WHERE customer_id = $1 AND version = $2", Key(p), Version(p)), SnapshotVersions.Cleared),
        { Expected: null } => (Command("INSERT INTO ma_customer_snapshots (customer_id, version, payload) VALUES ($1, 1, $2) ON CONFLICT (customer_id) DO NOTHING", Key(p), Payload(p)), 1),
        { Expected: { } expected } => (Command("UPDATE ma_customer_snapshots SET payload = $3, version = version + 1, written_at = now() WHERE customer_id = $1 AND version = $2", Key(p), Version(p), Payload(p)), expected + 1),
    };

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter Key(PendingWrite p) => new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Varchar, TypedValue = p.CustomerId };

    private static NpgsqlParameter Version(PendingWrite p) => new() { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)p.Expected ?? DBNull.Value };

    private static NpgsqlParameter Payload(PendingWrite p) => new NpgsqlParameter<byte[]> { NpgsqlDbType = NpgsqlDbType.Bytea, TypedValue = p.Payload };

    private Task<NpgsqlConnection> Open() => _database.OpenMeasured(_metrics.SnapshotConnectionWaited);

    private static CustomerStateUnavailableException ShuttingDown() => new("customer snapshots are shutting down");

    private static CustomerStateUnavailableException Unavailable(Exception e) =>
        e as CustomerStateUnavailableException ?? new CustomerStateUnavailableException("customer snapshots are unavailable: " + e.Message, e);
}
