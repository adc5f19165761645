using MarketingActors.Campaigns;
using MarketingActors.Core.Budget;
using MarketingActors.Core.Campaigns;
using MarketingActors.Core.Customers;
using MarketingActors.Telemetry;
using Microsoft.Extensions.Options;

namespace MarketingActors.Services.Campaigns;

/// <summary>
/// This silo's side of the budget protocol. Decisions reserve from a local lease without a grain
/// call; when the lease runs short the broker asks the campaign grain for a new one (one request
/// in flight per campaign, shared by every waiting decision). What each lease committed travels
/// back on the lease report. Only budget lives here; the tallies are <see cref="CampaignTallies"/>.
/// </summary>
public sealed class BudgetLeaseBroker(ILeaseSource leases, IOptions<BudgetOptions> options, TimeProvider clock, SiloIdentity silo, EngineMetrics metrics) : IBudgetDesk
{
    private readonly BudgetOptions _options = options.Value;
    private readonly Dictionary<string, Account> _accounts = new();
    private readonly Lock _gate = new();

    /// <summary>Reserve this far before a lease's expiry at the latest, so the ledger never sees spend on an expired lease.</summary>
    public static readonly TimeSpan ExpirySafety = TimeSpan.FromSeconds(2);

    private sealed class LocalLease(BudgetLeaseGrant grant, DateTimeOffset receivedAt)
    {
        public string LeaseId { get; } = grant.LeaseId;
        public DateTimeOffset ReceivedAt { get; } = receivedAt;
        public decimal Granted { get; } = grant.Amount;
        public DateTimeOffset ExpiresAt { get; } = grant.ExpiresAt;
        public decimal Confirmed { get; set; }
        public decimal Reserved { get; set; }
        public decimal Available => Granted - Confirmed - Reserved;
    }

    private sealed class Account
    {
        public LocalLease? Current;
        public readonly List<LocalLease> Draining = [];
        public Task<BudgetLeaseGrant>? Pending;
        public DateTimeOffset RefusedUntil;
        /// <summary>Decisions waiting for the pending lease: the next request is sized for all of them.</summary>
        public int Waiting;
        /// <summary>What the silo spent per second from its last lease that ran short (0 until one has).</summary>
        public decimal SpendRate;
        public readonly ReportOutbox<LeaseReport> Outbox = new();
    }

    public ValueTask<BudgetReservation?> TryReserve(string campaignId, decimal amount) => Check(campaignId, amount, reserve: true);

    /// <summary>
    /// Whether a decision costing <paramref name="amount"/> could be paid now, without reserving:
    /// a held-out customer goes through the same budget check as a treated one (including asking
    /// for a lease), so both groups are refused in the same circumstances.
    /// </summary>
    public async ValueTask<bool> CanAfford(string campaignId, decimal amount) =>
        await Check(campaignId, amount, reserve: false) is not null;

    private async ValueTask<BudgetReservation?> Check(string campaignId, decimal amount, bool reserve)
    {
        if (amount <= 0) throw new ArgumentOutOfRangeException(nameof(amount));
        // Keep trying while leases are granted: under a burst, hundreds of decisions wait on one
        // lease request and the first few use it up; giving up after a fixed number of rounds
        // answered budget_exhausted while the budget was not (a third of a loaded Hillstrom replay).
        // Only a refused grant ends the wait; the cap is a safety net, not a budget rule.
        for (var attempt = 0; attempt < MaxLeaseRounds; attempt++)
        {
            Task<BudgetLeaseGrant> pending;
            TaskCompletionSource<BudgetLeaseGrant>? request = null;
            decimal size = 0;
            lock (_gate)
            {
                var account = AccountOf(campaignId);
                var now = clock.GetUtcNow();
                var lease = account.Current;
                if (lease is not null && lease.ExpiresAt - ExpirySafety > now && lease.Available >= amount)
                {
                    if (!reserve) return new BudgetReservation { CampaignId = campaignId, LeaseId = lease.LeaseId, Amount = 0 };
                    lease.Reserved += amount;
                    metrics.BudgetCommitted(amount);
                    return new BudgetReservation { CampaignId = campaignId, LeaseId = lease.LeaseId, Amount = amount };
                }
                if (account.Pending is null)
                {
                    if (now < account.RefusedUntil) return null;
                    if (lease is not null)
                    {
                        account.SpendRate = SpendRate(lease, now);
                        account.Draining.Add(lease);
                        account.Current = null;
                    }
                    // Published here, started below outside the lock: a lease source that answers
                    // at once must find the request to clear, or every later decision would wait
                    // on a finished request and never ask again.
                    request = new TaskCompletionSource<BudgetLeaseGrant>(TaskCreationOptions.RunContinuationsAsynchronously);
                    account.Pending = request.Task;
                    size = LeaseSize(amount, Units(account, amount));
                }
                pending = account.Pending;
                account.Waiting++;
            }
            if (request is not null) _ = RequestLease(campaignId, size, request);
            BudgetLeaseGrant grant;
            try
            {
                grant = await pending;
            }
            finally
            {
                lock (_gate) AccountOf(campaignId).Waiting--;
            }
            if (grant.Amount <= 0) return null;
        }
        return null;
    }

    public const int MaxLeaseRounds = 64;

    /// <summary>
    /// The next lease, in actions: what the silo spent over <see cref="BudgetOptions.LeaseHorizon"/>
    /// at its last lease's pace, at least <see cref="BudgetOptions.LeaseUnits"/> (and twice the
    /// decisions waiting for it), at most <see cref="BudgetOptions.MaxLeaseUnits"/>.
    /// </summary>
    private int Units(Account account, decimal amount)
    {
        var paced = account.SpendRate * (decimal)_options.LeaseHorizon.TotalSeconds / amount;
        var units = paced >= _options.MaxLeaseUnits ? _options.MaxLeaseUnits : (int)paced;
        return Math.Min(_options.MaxLeaseUnits, Math.Max(Math.Max(_options.LeaseUnits, 2 * account.Waiting), units));
    }

    /// <summary>
    /// Money per second committed from a lease that is being replaced, over at least a twentieth of
    /// the horizon: a burst that empties a small lease at once grows the next one about twentyfold,
    /// not without bound, so the size climbs to a hot campaign's pace in a few leases.
    /// </summary>
    private decimal SpendRate(LocalLease lease, DateTimeOffset now) =>
        (lease.Confirmed + lease.Reserved) / (decimal)Math.Max((now - lease.ReceivedAt).TotalSeconds, _options.LeaseHorizon.TotalSeconds / 20);

    /// <summary>
    /// <paramref name="units"/> decisions' worth, saturating: validated costs keep this far from
    /// decimal's range, but a definition stored before the bounds must not fail its decisions.
    /// </summary>
    public static decimal LeaseSize(decimal cost, int units) => cost > decimal.MaxValue / units ? decimal.MaxValue : cost * units;

    public void Confirm(BudgetReservation reservation) => Settle(reservation, confirm: true);

    public void Release(BudgetReservation reservation) => Settle(reservation, confirm: false);

    /// <summary>
    /// Takes what this silo has to tell each campaign about its leases: cumulative use of each,
    /// expired ones (all of them when <paramref name="closeAll"/>) closing. A report stays
    /// outstanding until <see cref="Acknowledge"/>; a campaign without leases here has nothing to report.
    /// </summary>
    public List<LeaseReport> TakeReports(bool closeAll = false)
    {
        var now = clock.GetUtcNow();
        var reports = new List<LeaseReport>();
        lock (_gate)
        {
            foreach (var (campaignId, account) in _accounts)
            {
                if (account.Outbox.Take(sequence => Compose(campaignId, account, sequence, now, closeAll)) is { } report) reports.Add(report);
            }
        }
        return reports;
    }

    public void Acknowledge(string campaignId, long sequence)
    {
        lock (_gate)
        {
            if (_accounts.TryGetValue(campaignId, out var account)) account.Outbox.Acknowledge(sequence);
        }
    }

    private LeaseReport? Compose(string campaignId, Account account, long sequence, DateTimeOffset now, bool closeAll)
    {
        if (account.Current is { } current && (closeAll || current.ExpiresAt - ExpirySafety <= now))
        {
            account.Draining.Add(current);
            account.Current = null;
        }
        var leases = new List<LeaseUsage>();
        if (account.Current is { } open) leases.Add(Usage(open, closing: false));
        bool Closes(LocalLease l) => closeAll || l.ExpiresAt <= now || l.Reserved == 0;
        foreach (var draining in account.Draining) leases.Add(Usage(draining, closing: Closes(draining)));
        account.Draining.RemoveAll(Closes);
        return leases.Count == 0 ? null : new LeaseReport { CampaignId = campaignId, Holder = silo.Name, Sequence = sequence, Leases = [.. leases] };
    }

    private async Task RequestLease(string campaignId, decimal requested, TaskCompletionSource<BudgetLeaseGrant> request)
    {
        BudgetLeaseGrant grant;
        try
        {
            grant = await leases.Acquire(campaignId, silo.Name, requested);
        }
        catch
        {
            grant = new BudgetLeaseGrant { Reason = "lease_unavailable" };
        }
        lock (_gate)
        {
            var account = AccountOf(campaignId);
            account.Pending = null;
            if (grant.Amount > 0)
            {
                account.Current = new LocalLease(grant, clock.GetUtcNow());
                metrics.BudgetLeased(grant.Amount);
            }
            else account.RefusedUntil = clock.GetUtcNow() + _options.ExhaustedBackoff;
        }
        request.SetResult(grant);
    }

    private void Settle(BudgetReservation reservation, bool confirm)
    {
        lock (_gate)
        {
            if (!_accounts.TryGetValue(reservation.CampaignId, out var account)) return;
            var lease = account.Current?.LeaseId == reservation.LeaseId
                ? account.Current
                : account.Draining.Find(l => l.LeaseId == reservation.LeaseId);
            // Unknown lease: it closed (reservations counted as spent) or lives on another silo.
            if (lease is null) return;
            lease.Reserved -= Math.Min(lease.Reserved, reservation.Amount);
            if (confirm) lease.Confirmed += reservation.Amount;
        }
    }

    private Account AccountOf(string campaignId)
    {
        if (!_accounts.TryGetValue(campaignId, out var account))
        {
            account = new Account();
            _accounts[campaignId] = account;
        }
        return account;
    }

    private static LeaseUsage Usage(LocalLease lease, bool closing) => new()
    {
        LeaseId = lease.LeaseId,
        Confirmed = lease.Confirmed,
        Reserved = lease.Reserved,
        Closing = closing,
    };
}
