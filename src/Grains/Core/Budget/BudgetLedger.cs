using MarketingActors.Campaigns;

namespace MarketingActors.Core.Budget;

/// <summary>One slice of budget handed to a silo; it spends locally until the slice expires.</summary>
[GenerateSerializer, Alias("ma.lease-record")]
public sealed class LeaseRecord
{
    [Id(0)] public required string LeaseId { get; init; }
    [Id(1)] public required string Holder { get; init; }
    [Id(2)] public required decimal Granted { get; init; }
    [Id(3)] public required DateOnly Day { get; init; }
    [Id(4)] public required DateTimeOffset ExpiresAt { get; init; }
    [Id(5)] public decimal Confirmed { get; set; }
    [Id(6)] public decimal Reserved { get; set; }
}

/// <summary>
/// A campaign's budget envelope as a ledger:
///
///   Total = Spent(closed) + WrittenOff + Σ open leases' Granted + Remaining
///
/// Money leaves Remaining only as a lease, and a lease never outlives the UTC day it was granted
/// on, so the daily cap is checked against everything granted that day. A lease returns what
/// its holder did not commit; outstanding reservations on a closing lease count as spent, and a
/// lease whose holder never reports back is written off whole except for its confirmed spend.
/// Both rules can under-spend, neither can over-spend.
/// </summary>
[GenerateSerializer, Alias("ma.budget-ledger")]
public sealed class BudgetLedger
{
    [Id(0)] public decimal Total { get; set; }
    [Id(1)] public decimal? Daily { get; set; }
    [Id(2)] public string Currency { get; set; } = "USD";
    [Id(3)] public decimal ClosedSpent { get; set; }
    [Id(4)] public decimal WrittenOff { get; set; }
    [Id(5)] public Dictionary<string, LeaseRecord> Open { get; set; } = new();
    /// <summary>Granted on leases of that day minus what they returned; the last few days only.</summary>
    [Id(6)] public Dictionary<DateOnly, decimal> CommittedByDay { get; set; } = new();
    [Id(7)] public long LeasesIssued { get; set; }

    public const int DaysKept = 8;

    public decimal Granted => Open.Values.Sum(l => l.Granted);
    public decimal Remaining => Total - ClosedSpent - WrittenOff - Granted;

    public decimal CommittedOn(DateOnly day) => CommittedByDay.GetValueOrDefault(day);

    /// <summary>Changes the envelope unless it would fall below what is already committed.</summary>
    public string? SetEnvelope(decimal total, decimal? daily, string currency, DateOnly today)
    {
        if (total < ClosedSpent + WrittenOff + Granted) return "budget_below_committed";
        if (daily is { } cap && cap < CommittedOn(today)) return "daily_below_committed";
        if (Open.Count > 0 && !string.Equals(currency, Currency, StringComparison.Ordinal)) return "currency_change_with_open_leases";
        Total = total;
        Daily = daily;
        Currency = currency;
        return null;
    }

    public BudgetLeaseGrant Grant(string holder, decimal requested, DateTimeOffset now, TimeSpan ttl)
    {
        if (requested <= 0) return new BudgetLeaseGrant { Reason = "invalid_request" };
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var available = Remaining;
        if (Daily is { } daily) available = Math.Min(available, daily - CommittedOn(today));
        var amount = Math.Min(requested, available);
        if (amount <= 0)
        {
            return new BudgetLeaseGrant { Reason = Remaining <= 0 ? "budget_exhausted" : "daily_budget_exhausted" };
        }
        var endOfDay = new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(1);
        var expires = now + ttl < endOfDay ? now + ttl : endOfDay;
        var lease = new LeaseRecord
        {
            LeaseId = $"L{++LeasesIssued}",
            Holder = holder,
            Granted = amount,
            Day = today,
            ExpiresAt = expires,
        };
        Open[lease.LeaseId] = lease;
        CommittedByDay[today] = CommittedOn(today) + amount;
        Prune(today);
        return new BudgetLeaseGrant { LeaseId = lease.LeaseId, Amount = amount, ExpiresAt = expires };
    }

    /// <summary>Applies a holder's cumulative usage. Usage of an unknown (closed or expired) lease is ignored.</summary>
    public bool Apply(LeaseUsage usage)
    {
        if (!Open.TryGetValue(usage.LeaseId, out var lease)) return false;
        // A holder can never commit more than it was granted; clamp rather than trust.
        var confirmed = Math.Clamp(usage.Confirmed, 0, lease.Granted);
        lease.Confirmed = Math.Max(lease.Confirmed, confirmed);
        lease.Reserved = Math.Clamp(usage.Reserved, 0, lease.Granted - lease.Confirmed);
        if (usage.Closing) Close(lease, lease.Confirmed + lease.Reserved);
        return true;
    }

    /// <summary>Reclaims leases whose holder stayed silent past expiry + grace: written off, never re-spent.</summary>
    public int ExpireSilent(DateTimeOffset now, TimeSpan grace)
    {
        var expired = Open.Values.Where(l => l.ExpiresAt + grace <= now).ToList();
        foreach (var lease in expired)
        {
            Open.Remove(lease.LeaseId);
            ClosedSpent += lease.Confirmed;
            WrittenOff += lease.Granted - lease.Confirmed;
        }
        return expired.Count;
    }

    public BudgetView View(DateTimeOffset now)
    {
        var confirmedOpen = Open.Values.Sum(l => l.Confirmed);
        var reserved = Open.Values.Sum(l => l.Reserved);
        return new BudgetView
        {
            Total = Total,
            Daily = Daily,
            Currency = Currency,
            Spent = ClosedSpent + confirmedOpen,
            Reserved = reserved,
            Leased = Granted - confirmedOpen - reserved,
            Remaining = Remaining,
            WrittenOff = WrittenOff,
            CommittedToday = CommittedOn(DateOnly.FromDateTime(now.UtcDateTime)),
            OpenLeases = Open.Count,
        };
    }

    private void Close(LeaseRecord lease, decimal committed)
    {
        Open.Remove(lease.LeaseId);
        ClosedSpent += committed;
        if (CommittedByDay.ContainsKey(lease.Day)) CommittedByDay[lease.Day] -= lease.Granted - committed;
    }

    private void Prune(DateOnly today)
    {
        foreach (var day in CommittedByDay.Keys.Where(d => d < today.AddDays(-DaysKept)).ToList()) CommittedByDay.Remove(day);
    }
}
