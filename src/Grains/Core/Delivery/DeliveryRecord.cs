using MarketingActors.Delivery;

namespace MarketingActors.Core.Delivery;

/// <summary>
/// One delivery as the outbox keeps it. Its status moves only through the transitions below:
///
///   Pending → Delivered;  Pending → Pending (a failed attempt, retried later);
///   Pending → DeadLettered (last attempt, or a permanent failure);  Pending → Blocked (guardrails at send time);
///   DeadLettered | Blocked → Pending (an operator's retry: the guardrails are checked again).
///
/// Delivered is final. A connector that could not be asked (circuit open, rate limit) postpones
/// the attempt without counting it.
/// </summary>
public sealed class DeliveryRecord
{
    public const int MaxKeptAttempts = 20;

    public required DeliveryOrder Order { get; init; }
    public DeliveryStatus Status { get; private set; } = DeliveryStatus.Pending;
    public List<DeliveryAttempt> Attempts { get; init; } = [];
    /// <summary>Attempts counted toward the connector's maximum since the delivery was (re)queued.</summary>
    public int Counted { get; private set; }
    public DateTimeOffset NextAttemptAt { get; private set; }
    public string? Reason { get; private set; }
    /// <summary>The guardrails are checked again before the next attempt: quiet hours deferred it, or an operator retried it.</summary>
    public bool Recheck { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public static DeliveryRecord New(DeliveryOrder order, DateTimeOffset now) => new()
    {
        Order = order,
        NextAttemptAt = order.DeliverAfter is { } after && after > now ? after : now,
        Recheck = order.DeliverAfter is not null,
        UpdatedAt = now,
    };

    /// <summary>Rebuilds a stored record; only storage calls this.</summary>
    public static DeliveryRecord Restore(DeliveryOrder order, DeliveryStatus status, List<DeliveryAttempt> attempts, int counted, DateTimeOffset next, string? reason, bool recheck, DateTimeOffset updated)
    {
        var r = new DeliveryRecord { Order = order, Attempts = attempts };
        r.Status = status;
        r.Counted = counted;
        r.NextAttemptAt = next;
        r.Reason = reason;
        r.Recheck = recheck;
        r.UpdatedAt = updated;
        return r;
    }

    public bool IsDue(DateTimeOffset now) => Status == DeliveryStatus.Pending && NextAttemptAt <= now;

    public bool Delivered(DeliveryAttempt attempt) => Settle(attempt, DeliveryStatus.Delivered, null);

    /// <summary>A failed attempt: retried at <paramref name="retryAt"/> while attempts remain and the failure is not permanent, else dead-lettered.</summary>
    public bool Failed(DeliveryAttempt attempt, bool permanent, int maxAttempts, DateTimeOffset retryAt, string reason)
    {
        if (Status != DeliveryStatus.Pending) return false;
        Keep(attempt);
        Counted++;
        if (permanent || Counted >= maxAttempts)
        {
            Status = DeliveryStatus.DeadLettered;
            Reason = permanent ? reason : DeliveryReasons.AttemptsExhausted + ": " + reason;
        }
        else NextAttemptAt = retryAt;
        UpdatedAt = attempt.At;
        return true;
    }

    /// <summary>At send time the guardrails refused it: not sent, and its reservation is released.</summary>
    public bool Blocked(DeliveryAttempt attempt, string reason) => Settle(attempt, DeliveryStatus.Blocked, reason);

    /// <summary>The connector could not take it now (circuit open, over its rate): try again then, without counting an attempt.</summary>
    public bool Postpone(DateTimeOffset until, DateTimeOffset now)
    {
        if (Status != DeliveryStatus.Pending) return false;
        NextAttemptAt = until;
        UpdatedAt = now;
        return true;
    }

    /// <summary>An operator's retry of a dead letter or a blocked delivery: attempts start over, and the guardrails are checked again.</summary>
    public bool Retry(DateTimeOffset now)
    {
        if (Status is not (DeliveryStatus.DeadLettered or DeliveryStatus.Blocked)) return false;
        Status = DeliveryStatus.Pending;
        Counted = 0;
        Reason = null;
        Recheck = true;
        NextAttemptAt = now;
        UpdatedAt = now;
        return true;
    }

    public DeliveryView View() => new()
    {
        Order = Order, Status = Status, Attempts = [.. Attempts], Reason = Reason, UpdatedAt = UpdatedAt,
        NextAttemptAt = Status == DeliveryStatus.Pending ? NextAttemptAt : null,
    };

    private bool Settle(DeliveryAttempt attempt, DeliveryStatus to, string? reason)
    {
        if (Status != DeliveryStatus.Pending) return false;
        Keep(attempt);
        Status = to;
        Reason = reason;
        UpdatedAt = attempt.At;
        return true;
    }

    private void Keep(DeliveryAttempt attempt)
    {
        Attempts.Add(attempt);
        // The first attempts and the latest say what happened; the middle of a long retry series does not.
        if (Attempts.Count > MaxKeptAttempts) Attempts.RemoveAt(MaxKeptAttempts / 2);
    }
}
