using MarketingActors.Campaigns;
using MarketingActors.Core.Budget;
using MarketingActors.Measurement;
using MarketingActors.Telemetry;
using Microsoft.Extensions.Options;

namespace MarketingActors.Services.Campaigns;

/// <summary>
/// This silo's side of the budget protocol. Decisions reserve from a local lease without a grain
/// call; when the lease runs short the broker asks the campaign grain for a new one (one request
/// in flight per campaign, shared by every waiting decision). Decision, delivery and conversion
/// tallies accumulate here too and travel to the campaign grain with the lease report.
/// </summary>
public sealed class BudgetLeaseBroker(IGrainFactory grains, IOptions<BudgetOptions> options, TimeProvider clock, SiloIdentity silo, EngineMetrics metrics)
{
    private readonly BudgetOptions _options = options.Value;
    private readonly Dictionary<string, Account> _accounts = new();
    private readonly Lock _gate = new();

    /// <summary>Reserve this far before a lease's expiry at the latest, so the ledger never sees spend on an expired lease.</summary>
    public static readonly TimeSpan ExpirySafety = TimeSpan.FromSeconds(2);

    private sealed class LocalLease(BudgetLeaseGrant grant)
    {
        public string LeaseId { get; } = grant.LeaseId;
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
        public long Decisions;
        public long Unsubscribes;
        public long Complaints;
        public long FuseTrips;
        public AudienceCount Audience = AudienceCount.None;
        /// <summary>Decisions waiting for the pending lease: the next request is sized for all of them.</summary>
        public int Waiting;
        public readonly Dictionary<(string ActionId, string? Segment), VariantTally> Tallies = new();
        public readonly Dictionary<(MeasurementGroup, string, string?), MeasurementTally> Measurements = new();
        public CampaignReport? Outstanding;
        public long ReportsSent;
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
                        account.Draining.Add(lease);
                        account.Current = null;
                    }
                    account.Pending = RequestLease(campaignId, LeaseSize(amount, Math.Max(_options.LeaseUnits, 2 * account.Waiting)));
                }
                pending = account.Pending;
                account.Waiting++;
            }
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
    /// <paramref name="units"/> decisions' worth, saturating: validated costs keep this far from
    /// decimal's range, but a definition stored before the bounds must not fail its decisions.
    /// </summary>
    public static decimal LeaseSize(decimal cost, int units) => cost > decimal.MaxValue / units ? decimal.MaxValue : cost * units;

    public void Confirm(BudgetReservation reservation) => Settle(reservation, confirm: true);

    public void Release(BudgetReservation reservation) => Settle(reservation, confirm: false);

    /// <summary>
    /// One decision: counted, tallied for the variant it picked (if any) and, when there was an
    /// action to send or withhold, measured for its holdout group. One lock for all three, since
    /// every decider of the silo goes through here.
    /// </summary>
    public void RecordDecision(string campaignId, string? actionId, string? segment, MeasurementTally? measured)
    {
        lock (_gate)
        {
            var account = AccountOf(campaignId);
            account.Decisions++;
            if (actionId is not null) Tally(account, actionId, segment, t => t with { Decisions = t.Decisions + 1 });
            if (measured is not null) AddMeasurement(account, measured);
        }
    }

    public void RecordDelivery(string campaignId, string actionId, string? segment)
    {
        lock (_gate) Tally(AccountOf(campaignId), actionId, segment, t => t with { Deliveries = t.Deliveries + 1 });
    }

    public void RecordConversion(string campaignId, string actionId, string? segment, decimal revenue)
    {
        lock (_gate) Tally(AccountOf(campaignId), actionId, segment, t => t with { Conversions = t.Conversions + 1, Revenue = t.Revenue + revenue });
    }

    /// <summary>An unsubscribe or a complaint attributed to one of the campaign's deliveries, for the anomaly guard.</summary>
    public void RecordOptOut(string campaignId, bool complaint)
    {
        lock (_gate)
        {
            var account = AccountOf(campaignId);
            if (complaint) account.Complaints++;
            else account.Unsubscribes++;
        }
    }

    /// <summary>A journey of this silo's customers hit the decision fuse: the campaign pauses itself on the next report.</summary>
    public void RecordFuseTrip(string campaignId)
    {
        lock (_gate) AccountOf(campaignId).FuseTrips++;
    }

    /// <summary>A customer of this silo joined, left or changed channels in the campaign's audience.</summary>
    public void RecordAudience(string campaignId, AudienceCount delta)
    {
        lock (_gate)
        {
            var account = AccountOf(campaignId);
            account.Audience = account.Audience.Plus(delta);
        }
    }

    /// <summary>Adds to the treated/holdout tally of the increment's group and channel.</summary>
    public void Measure(string campaignId, MeasurementTally increment)
    {
        lock (_gate) AddMeasurement(AccountOf(campaignId), increment);
    }

    /// <summary>
    /// Takes what this silo has to tell each campaign: cumulative lease usage (expired leases
    /// closing) and the tallies since the last report. A report stays outstanding until
    /// <see cref="Acknowledge"/>; until then the same report (same sequence number) is sent again,
    /// so a report applied by the campaign but lost on the way back is never counted twice.
    /// </summary>
    public List<CampaignReport> TakeReports(IEnumerable<string> alsoCampaigns, bool closeAll = false)
    {
        var now = clock.GetUtcNow();
        var reports = new List<CampaignReport>();
        lock (_gate)
        {
            foreach (var id in alsoCampaigns) AccountOf(id);
            foreach (var (campaignId, account) in _accounts)
            {
                if (account.Outstanding is { } outstanding)
                {
                    reports.Add(outstanding);
                    continue;
                }
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
                account.Outstanding = new CampaignReport
                {
                    CampaignId = campaignId,
                    Holder = silo.Name,
                    Sequence = ++account.ReportsSent,
                    Leases = [.. leases],
                    Decisions = account.Decisions,
                    Variants = [.. account.Tallies.Values],
                    Measurements = [.. account.Measurements.Values],
                    Unsubscribes = account.Unsubscribes,
                    Complaints = account.Complaints,
                    FuseTrips = account.FuseTrips,
                    Audience = account.Audience,
                };
                reports.Add(account.Outstanding);
                account.Decisions = 0;
                account.Unsubscribes = 0;
                account.Complaints = 0;
                account.FuseTrips = 0;
                account.Audience = AudienceCount.None;
                account.Tallies.Clear();
                account.Measurements.Clear();
            }
        }
        return reports;
    }

    /// <summary>The campaign took report <paramref name="sequence"/>: the next report starts afresh.</summary>
    public void Acknowledge(string campaignId, long sequence)
    {
        lock (_gate)
        {
            if (_accounts.TryGetValue(campaignId, out var account) && account.Outstanding?.Sequence == sequence) account.Outstanding = null;
        }
    }

    private async Task<BudgetLeaseGrant> RequestLease(string campaignId, decimal requested)
    {
        BudgetLeaseGrant grant;
        try
        {
            grant = await grains.GetGrain<ICampaignGrain>(campaignId).AcquireLease(silo.Name, requested);
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
                account.Current = new LocalLease(grant);
                metrics.BudgetLeased(grant.Amount);
            }
            else account.RefusedUntil = clock.GetUtcNow() + _options.ExhaustedBackoff;
        }
        return grant;
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

    private static void AddMeasurement(Account account, MeasurementTally increment)
    {
        var key = (increment.Group, increment.Channel, increment.ActionId);
        account.Measurements[key] = account.Measurements.TryGetValue(key, out var sum) ? sum.Plus(increment) : increment;
    }

    private static void Tally(Account account, string actionId, string? segment, Func<VariantTally, VariantTally> change) =>
        account.Tallies[(actionId, segment)] = change(account.Tallies.GetValueOrDefault((actionId, segment)) ?? new VariantTally { ActionId = actionId, Segment = segment });
}
