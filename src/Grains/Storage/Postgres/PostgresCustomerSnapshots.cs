using System.Diagnostics;
using MarketingActors.Customers;
using MarketingActors.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace MarketingActors.Storage.Postgres;

/// <summary>
/// The "customers" grain storage in cluster mode: customer snapshots in ma_customer_snapshots,
/// batched like the event journal. Activating customers queue their reads and each reader serves
/// every one queued meanwhile with one query, so a batch of 500 new customers costs a few queries
/// instead of 500 round trips. Writes and clears are group-committed: one statement (one commit)
/// carries many grains' snapshots, each checked against its own version, so a stale grain gets
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
    /// Commits the batch in rounds of distinct customers (one grain has one write in flight, so
    /// a second round is rare: a clear and a write racing from duplicate activations on this silo).
    /// </summary>
    private async Task Commit(List<PendingWrite> batch)
    {
        var round = batch;
        while (round.Count > 0)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var later = new List<PendingWrite>();
            var now = new List<PendingWrite>(round.Count);
            foreach (var p in round) (seen.Add(p.CustomerId) ? now : later).Add(p);
            await CommitDistinct(now);
            round = later;
        }
    }

    /// <summary>
    /// One statement, hence one transaction and one commit, for all these customers: deletes, then
    /// updates at the expected version, then first inserts; then each customer's applied version next
    /// to the version stored before the statement (what a stale grain is told it conflicted with).
    /// </summary>
    private async Task CommitDistinct(List<PendingWrite> batch)
    {
        var outcomes = new Dictionary<string, (long? Applied, long? Stored)>(StringComparer.Ordinal);
        await using (var connection = await Open())
        {
            var started = Stopwatch.GetTimestamp();
            await using (var command = new NpgsqlCommand(
                """
                WITH input AS (
                    SELECT * FROM unnest($1::varchar[], $2::bigint[], $3::bytea[]) AS t(customer_id, expected, payload)
                ), cleared AS (
                    DELETE FROM ma_customer_snapshots s USING input i
                    WHERE i.payload IS NULL AND s.customer_id = i.customer_id AND s.version = i.expected
                    RETURNING s.customer_id, 0::bigint AS version
                ), updated AS (
                    UPDATE ma_customer_snapshots s SET payload = i.payload, version = s.version + 1, written_at = now()
                    FROM input i
                    WHERE i.payload IS NOT NULL AND s.customer_id = i.customer_id AND s.version = i.expected
                    RETURNING s.customer_id, s.version
                ), inserted AS (
                    INSERT INTO ma_customer_snapshots (customer_id, version, payload)
                    SELECT customer_id, 1, payload FROM input WHERE payload IS NOT NULL AND expected IS NULL
                    ON CONFLICT (customer_id) DO NOTHING
                    RETURNING customer_id, version
                ), applied AS (
                    SELECT * FROM cleared UNION ALL SELECT * FROM updated UNION ALL SELECT * FROM inserted
                )
                SELECT i.customer_id, a.version, s.version
                FROM input i
                LEFT JOIN applied a ON a.customer_id = i.customer_id
                LEFT JOIN ma_customer_snapshots s ON s.customer_id = i.customer_id
                """, connection))
            {
                command.Parameters.AddWithValue(batch.Select(p => p.CustomerId).ToArray());
                command.Parameters.AddWithValue(batch.Select(p => p.Expected).ToArray());
                command.Parameters.AddWithValue(batch.Select(p => p.Payload).ToArray());
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                    outcomes[reader.GetString(0)] = (reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetInt64(2));
            }
            _metrics.SnapshotsWritten(batch.Count, Stopwatch.GetElapsedTime(started));
        }
        foreach (var p in batch)
        {
            var (applied, stored) = outcomes[p.CustomerId];
            if (SnapshotVersions.Succeeded(p.Payload is null, p.Expected, applied, stored))
            {
                p.Done.TrySetResult(applied ?? SnapshotVersions.Cleared);
                continue;
            }
            _metrics.SnapshotConflicted();
            p.Done.TrySetException(new InconsistentStateException(
                $"the snapshot of customer {p.CustomerId} changed since this activation read it", SnapshotVersions.ETag(stored) ?? "none", SnapshotVersions.ETag(p.Expected) ?? "none"));
        }
    }

    private Task<NpgsqlConnection> Open() => _database.OpenMeasured(_metrics.SnapshotConnectionWaited);

    private static CustomerStateUnavailableException ShuttingDown() => new("customer snapshots are shutting down");

    private static CustomerStateUnavailableException Unavailable(Exception e) =>
        e as CustomerStateUnavailableException ?? new CustomerStateUnavailableException("customer snapshots are unavailable: " + e.Message, e);
}
