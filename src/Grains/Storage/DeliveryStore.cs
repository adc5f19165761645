using MarketingActors.Core.Delivery;
using MarketingActors.Delivery;

namespace MarketingActors.Storage;

/// <summary>
/// The delivery outbox's records: in this process in embedded mode, a PostgreSQL table in cluster
/// mode (<see cref="Postgres.PostgresDeliveryStore"/>). A silo claims the records it sends for a
/// while; a record whose claim ran out (its silo died) is claimed by the next silo that polls.
/// </summary>
public interface IDeliveryStore
{
    /// <summary>Stores the orders not stored before (the decision id is the key), those due now claimed by <paramref name="owner"/>; returns those added.</summary>
    Task<List<DeliveryRecord>> Add(IReadOnlyList<DeliveryOrder> orders, string owner, DateTimeOffset now, DateTimeOffset claimedUntil);

    /// <summary>Pending records that are due and unclaimed (or whose claim ran out), claimed for <paramref name="owner"/>.</summary>
    Task<List<DeliveryRecord>> Claim(string owner, DateTimeOffset now, DateTimeOffset claimedUntil, int limit);

    /// <summary>Extends the claims <paramref name="owner"/> still holds on these records (they wait in its queue).</summary>
    Task Renew(string owner, IReadOnlyList<string> decisionIds, DateTimeOffset claimedUntil);

    /// <summary>Writes the record back and releases its claim; a record already delivered stays delivered.</summary>
    Task Save(DeliveryRecord record);

    Task<DeliveryRecord?> Find(string decisionId);

    /// <summary>Dead-lettered and blocked records, most recent first.</summary>
    Task<List<DeliveryRecord>> DeadLetters(string? campaignId, int limit);

    /// <summary>Right to erasure: the customer's deliveries, sent or owed, with the address and content they hold.</summary>
    Task Forget(string customerId);

    /// <summary>Retention: delivered records last changed before <paramref name="before"/> go (dead letters stay until retried or erased); returns how many.</summary>
    Task<int> Prune(DateTimeOffset before);
}

/// <summary>Embedded mode's outbox: a dictionary, nothing kept past the process, and at most <see cref="MaxDelivered"/> delivered records.</summary>
public sealed class InMemoryDeliveryStore : IDeliveryStore
{
    public const int MaxDelivered = 100_000;

    private readonly Dictionary<string, (DeliveryRecord Record, string? Owner, DateTimeOffset? Until)> _records = [];
    /// <summary>The pending ones, which the pollers scan; the rest are only looked up.</summary>
    private readonly HashSet<string> _pending = [];
    /// <summary>Delivered ids oldest first, for the cap.</summary>
    private readonly Queue<string> _delivered = new();
    private readonly Lock _gate = new();

    public Task<List<DeliveryRecord>> Add(IReadOnlyList<DeliveryOrder> orders, string owner, DateTimeOffset now, DateTimeOffset claimedUntil)
    {
        var added = new List<DeliveryRecord>(orders.Count);
        lock (_gate)
        {
            foreach (var order in orders)
            {
                if (_records.ContainsKey(order.DecisionId)) continue;
                var record = DeliveryRecord.New(order, now);
                _records[order.DecisionId] = record.IsDue(now) ? (record, owner, claimedUntil) : (record, null, null);
                _pending.Add(order.DecisionId);
                added.Add(Copy(record));
            }
        }
        return Task.FromResult(added);
    }

    public Task<List<DeliveryRecord>> Claim(string owner, DateTimeOffset now, DateTimeOffset claimedUntil, int limit)
    {
        lock (_gate)
        {
            var due = _pending.Select(id => _records[id])
                .Where(r => r.Record.IsDue(now) && (r.Until is null || r.Until < now))
                .OrderBy(r => r.Record.NextAttemptAt).Take(limit).Select(r => r.Record).ToList();
            foreach (var r in due) _records[r.Order.DecisionId] = (r, owner, claimedUntil);
            return Task.FromResult(due.Select(Copy).ToList());
        }
    }

    public Task Renew(string owner, IReadOnlyList<string> decisionIds, DateTimeOffset claimedUntil)
    {
        lock (_gate)
        {
            foreach (var id in decisionIds)
                if (_records.TryGetValue(id, out var r) && r.Owner == owner) _records[id] = (r.Record, owner, claimedUntil);
        }
        return Task.CompletedTask;
    }

    public Task Save(DeliveryRecord record)
    {
        lock (_gate)
        {
            var id = record.Order.DecisionId;
            if (!_records.TryGetValue(id, out var stored) || stored.Record.Status == DeliveryStatus.Delivered) return Task.CompletedTask;
            _records[id] = (Copy(record), null, null);
            if (record.Status == DeliveryStatus.Pending) _pending.Add(id);
            else _pending.Remove(id);
            if (record.Status != DeliveryStatus.Delivered) return Task.CompletedTask;
            _delivered.Enqueue(id);
            while (_delivered.Count > MaxDelivered) _records.Remove(_delivered.Dequeue());
        }
        return Task.CompletedTask;
    }

    public Task<DeliveryRecord?> Find(string decisionId)
    {
        lock (_gate) return Task.FromResult(_records.TryGetValue(decisionId, out var r) ? Copy(r.Record) : null);
    }

    public Task<List<DeliveryRecord>> DeadLetters(string? campaignId, int limit)
    {
        lock (_gate)
        {
            return Task.FromResult(_records.Values.Select(r => r.Record)
                .Where(r => r.Status is DeliveryStatus.DeadLettered or DeliveryStatus.Blocked && (campaignId is null || r.Order.CampaignId == campaignId))
                .OrderByDescending(r => r.UpdatedAt).Take(limit).Select(Copy).ToList());
        }
    }

    public Task Forget(string customerId)
    {
        lock (_gate)
        {
            foreach (var id in _records.Where(r => r.Value.Record.Order.CustomerId == customerId).Select(r => r.Key).ToList())
            {
                _records.Remove(id);
                _pending.Remove(id);
            }
        }
        return Task.CompletedTask;
    }

    public Task<int> Prune(DateTimeOffset before)
    {
        var pruned = 0;
        lock (_gate)
        {
            while (_delivered.TryPeek(out var id) && (!_records.TryGetValue(id, out var r) || r.Record.UpdatedAt < before))
            {
                _delivered.Dequeue();
                if (_records.Remove(id)) pruned++;
            }
        }
        return Task.FromResult(pruned);
    }

    /// <summary>Callers change the records they get; the stored one changes only through <see cref="Save"/>, as in PostgreSQL.</summary>
    private static DeliveryRecord Copy(DeliveryRecord r) =>
        DeliveryRecord.Restore(r.Order, r.Status, [.. r.Attempts], r.Counted, r.NextAttemptAt, r.Reason, r.Recheck, r.UpdatedAt);
}
