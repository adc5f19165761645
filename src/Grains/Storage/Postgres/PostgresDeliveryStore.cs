using MarketingActors.Core.Delivery;
using MarketingActors.Delivery;
using MarketingActors.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Orleans.Serialization;

namespace MarketingActors.Storage.Postgres;

/// <summary>
/// The cluster's delivery outbox (deploy/sql/009). Orders from many customer grains are inserted
/// as one statement per batch (the journal's group commit), so a decided event costs the outbox a
/// share of a round trip; claims use FOR UPDATE SKIP LOCKED so silos polling together never take
/// the same row.
/// </summary>
public sealed class PostgresDeliveryStore : IDeliveryStore, IHostedService
{
    private const string Columns = "delivery_order, status, attempts, counted, next_attempt_at, reason, recheck, updated_at";
    private const int AddLoops = 2;
    private const int MaxBatchOrders = 1000;

    private readonly NpgsqlDataSource _database;
    private readonly Serializer _serializer;
    private readonly ILogger<PostgresDeliveryStore> _logger;
    private readonly BatchingQueue<PendingAdd> _adds;

    private sealed record PendingAdd(IReadOnlyList<DeliveryOrder> Orders, string Owner, DateTimeOffset Now, DateTimeOffset Until, TaskCompletionSource<List<DeliveryRecord>> Done);

    public PostgresDeliveryStore(NpgsqlDataSource database, Serializer serializer, ILogger<PostgresDeliveryStore> logger)
    {
        _database = database;
        _serializer = serializer;
        _logger = logger;
        _adds = new(AddLoops, MaxBatchOrders, a => a.Orders.Count, InsertGroup, (a, e) => a.Done.TrySetException(Unavailable(e)),
            retryingAlone: (adds, e) => _logger.LogWarning(e, "Outbox batch of {Adds} adds failed; retrying them one by one", adds));
    }

    public Task<List<DeliveryRecord>> Add(IReadOnlyList<DeliveryOrder> orders, string owner, DateTimeOffset now, DateTimeOffset claimedUntil)
    {
        if (orders.Count == 0) return Task.FromResult(new List<DeliveryRecord>());
        var done = new TaskCompletionSource<List<DeliveryRecord>>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_adds.TryEnqueue(new PendingAdd(orders, owner, now, claimedUntil, done))) throw new JournalUnavailableException("the delivery outbox is shutting down");
        return done.Task;
    }

    public Task StartAsync(CancellationToken cancellationToken) => BatchingQueues.Start(_adds);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var failed = await BatchingQueues.Stop(cancellationToken, () => new JournalUnavailableException("the delivery outbox is shutting down"), _adds);
        if (failed[0] > 0) _logger.LogWarning("Shutdown deadline reached: {Adds} outbox adds not committed; they failed and were not acknowledged", failed[0]);
    }

    /// <summary>One INSERT for the whole batch; the rows it skipped (a decision id already stored) are not answered as added.</summary>
    private async Task InsertGroup(List<PendingAdd> batch)
    {
        var records = batch.SelectMany(a => a.Orders.Select(o => (Add: a, Record: DeliveryRecord.New(o, a.Now)))).ToList();
        await using var command = _database.CreateCommand(
            """
            INSERT INTO ma_delivery_outbox (decision_id, customer_id, campaign_id, status, delivery_order, attempts, counted, next_attempt_at, reason, recheck, claimed_by, claimed_until, updated_at)
            SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::smallint[], $5::bytea[], $6::bytea[], $7::int[], $8::timestamptz[], $9::text[], $10::boolean[], $11::varchar[], $12::timestamptz[], $13::timestamptz[])
            ON CONFLICT (decision_id) DO NOTHING
            RETURNING decision_id
            """);
        command.Parameters.AddWithValue(records.Select(r => r.Record.Order.DecisionId).ToArray());
        command.Parameters.AddWithValue(records.Select(r => r.Record.Order.CustomerId).ToArray());
        command.Parameters.AddWithValue(records.Select(r => r.Record.Order.CampaignId).ToArray());
        command.Parameters.AddWithValue(records.Select(r => (short)r.Record.Status).ToArray());
        command.Parameters.AddWithValue(records.Select(r => _serializer.SerializeToArray(r.Record.Order)).ToArray());
        command.Parameters.AddWithValue(records.Select(r => _serializer.SerializeToArray(r.Record.Attempts.ToArray())).ToArray());
        command.Parameters.AddWithValue(records.Select(r => r.Record.Counted).ToArray());
        command.Parameters.AddWithValue(records.Select(r => r.Record.NextAttemptAt.UtcDateTime).ToArray());
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => (string?)r.Record.Reason).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.AddWithValue(records.Select(r => r.Record.Recheck).ToArray());
        // Only what is due now is claimed: a deferred delivery is for whichever silo polls when it falls due.
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Record.IsDue(r.Add.Now) ? r.Add.Owner : null).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(r => r.Record.IsDue(r.Add.Now) ? r.Add.Until.UtcDateTime : (DateTime?)null).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.AddWithValue(records.Select(r => r.Record.UpdatedAt.UtcDateTime).ToArray());
        var inserted = new HashSet<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) inserted.Add(reader.GetString(0));
        }
        foreach (var add in batch)
            add.Done.TrySetResult([.. records.Where(r => r.Add == add && inserted.Contains(r.Record.Order.DecisionId)).Select(r => r.Record)]);
    }

    public async Task<List<DeliveryRecord>> Claim(string owner, DateTimeOffset now, DateTimeOffset claimedUntil, int limit)
    {
        await using var command = _database.CreateCommand(
            $"""
            UPDATE ma_delivery_outbox o SET claimed_by = $1, claimed_until = $3
            FROM (SELECT decision_id FROM ma_delivery_outbox
                  WHERE status = 0 AND next_attempt_at <= $2 AND (claimed_until IS NULL OR claimed_until < $2)
                  ORDER BY next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED) due
            WHERE o.decision_id = due.decision_id
            RETURNING {Columns}
            """);
        command.Parameters.AddWithValue(owner);
        command.Parameters.AddWithValue(now.UtcDateTime);
        command.Parameters.AddWithValue(claimedUntil.UtcDateTime);
        command.Parameters.AddWithValue(limit);
        return await Read(command);
    }

    public async Task Renew(string owner, IReadOnlyList<string> decisionIds, DateTimeOffset claimedUntil)
    {
        await using var command = _database.CreateCommand("UPDATE ma_delivery_outbox SET claimed_until = $3 WHERE decision_id = ANY($1) AND claimed_by = $2 AND status = 0");
        command.Parameters.AddWithValue(decisionIds.ToArray());
        command.Parameters.AddWithValue(owner);
        command.Parameters.AddWithValue(claimedUntil.UtcDateTime);
        await command.ExecuteNonQueryAsync();
    }

    public async Task Save(DeliveryRecord record)
    {
        await using var command = _database.CreateCommand(
            """
            UPDATE ma_delivery_outbox SET status = $2, attempts = $3, counted = $4, next_attempt_at = $5, reason = $6, recheck = $7, updated_at = $8,
                claimed_by = NULL, claimed_until = NULL
            WHERE decision_id = $1 AND status <> 1
            """);
        command.Parameters.AddWithValue(record.Order.DecisionId);
        command.Parameters.AddWithValue((short)record.Status);
        command.Parameters.AddWithValue(_serializer.SerializeToArray(record.Attempts.ToArray()));
        command.Parameters.AddWithValue(record.Counted);
        command.Parameters.AddWithValue(record.NextAttemptAt.UtcDateTime);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)record.Reason ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.AddWithValue(record.Recheck);
        command.Parameters.AddWithValue(record.UpdatedAt.UtcDateTime);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<DeliveryRecord?> Find(string decisionId)
    {
        await using var command = _database.CreateCommand($"SELECT {Columns} FROM ma_delivery_outbox WHERE decision_id = $1");
        command.Parameters.AddWithValue(decisionId);
        return (await Read(command)).FirstOrDefault();
    }

    public async Task<List<DeliveryRecord>> DeadLetters(string? campaignId, int limit)
    {
        await using var command = _database.CreateCommand(
            $"SELECT {Columns} FROM ma_delivery_outbox WHERE status IN (2, 3) AND ($1::varchar IS NULL OR campaign_id = $1) ORDER BY updated_at DESC LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)campaignId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
        command.Parameters.AddWithValue(limit);
        return await Read(command);
    }

    public async Task Forget(string customerId)
    {
        await using var command = _database.CreateCommand("DELETE FROM ma_delivery_outbox WHERE customer_id = $1");
        command.Parameters.AddWithValue(customerId);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<int> Prune(DateTimeOffset before)
    {
        await using var command = _database.CreateCommand("DELETE FROM ma_delivery_outbox WHERE status = 1 AND updated_at < $1");
        command.Parameters.AddWithValue(before.UtcDateTime);
        return await command.ExecuteNonQueryAsync();
    }

    private async Task<List<DeliveryRecord>> Read(NpgsqlCommand command)
    {
        var records = new List<DeliveryRecord>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            records.Add(DeliveryRecord.Restore(
                _serializer.Deserialize<DeliveryOrder>(reader.GetFieldValue<byte[]>(0))!,
                (DeliveryStatus)reader.GetInt16(1),
                [.. _serializer.Deserialize<DeliveryAttempt[]>(reader.GetFieldValue<byte[]>(2))!],
                reader.GetInt32(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetBoolean(6),
                reader.GetFieldValue<DateTimeOffset>(7)));
        }
        return records;
    }

    private static JournalUnavailableException Unavailable(Exception e) =>
        e as JournalUnavailableException ?? new JournalUnavailableException("the delivery outbox is unavailable: " + e.Message);
}
