using CsCheck;
using MarketingActors.Campaigns;
using MarketingActors.Core.Budget;
using MarketingActors.Services.Campaigns;
using MarketingActors.Telemetry;
using MarketingActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static MarketingActors.Tests.Support.TestCustomers;

namespace MarketingActors.Tests.Grains.Services.Campaigns;

/// <summary>The silo's half of never-overspend: concurrent decisions reserving from local leases, with the ledger faked as a budget that grants what is left.</summary>
public sealed class BudgetLeaseBrokerSpec : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FixedClock _clock = new(T0);

    public void Dispose() => _services.Dispose();

    /// <summary>A campaign ledger: grants what is left of a total for a TTL, after a yield so requests really overlap.</summary>
    private sealed class Ledger(decimal total, TimeProvider clock) : ILeaseSource
    {
        private readonly Lock _gate = new();
        private int _leases;
        private int _inFlight;
        public decimal Left { get; private set; } = total;
        public int Requests;
        public int MostInFlight;
        public bool Fails;

        public async Task<BudgetLeaseGrant> Acquire(string campaignId, string holder, decimal requested)
        {
            Interlocked.Increment(ref Requests);
            var inFlight = Interlocked.Increment(ref _inFlight);
            lock (_gate) MostInFlight = Math.Max(MostInFlight, inFlight);
            await Task.Yield();
            try
            {
                if (Fails) throw new TimeoutException("campaign grain unreachable");
                lock (_gate)
                {
                    var amount = Math.Min(requested, Left);
                    Left -= amount;
                    return amount > 0
                        ? new BudgetLeaseGrant { LeaseId = $"lease-{++_leases}", Amount = amount, ExpiresAt = clock.GetUtcNow() + TimeSpan.FromSeconds(10) }
                        : new BudgetLeaseGrant { Reason = "budget_exhausted" };
                }
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }

    private Ledger LedgerOf(decimal total) => new(total, _clock);

    private BudgetLeaseBroker Broker(ILeaseSource ledger, int leaseUnits = 5) => new(ledger,
        Options.Create(new BudgetOptions { LeaseUnits = leaseUnits }), _clock, new SiloIdentity("silo-under-test"),
        new EngineMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));

    [Fact]
    public void Concurrent_reservations_never_exceed_what_was_leased_and_are_refused_only_when_nothing_is_left()
    {
        Gen.Select(Gen.Int[1, 40].Array[1, 120], Gen.Int[5, 200], Gen.Int[1, 20]).Sample((costs, total, units) =>
        {
            var ledger = LedgerOf(total);
            var broker = Broker(ledger, units);

            var reserved = Task.WhenAll(costs.Select(c => Task.Run(async () => await broker.TryReserve("c", c)))).GetAwaiter().GetResult();

            var spent = reserved.Where(r => r is not null).Sum(r => r!.Amount);
            // Never more than was leased, and a decision is refused only once the ledger has nothing left to lease.
            return spent <= total - ledger.Left && (reserved.All(r => r is not null) || ledger.Left == 0);
        }, iter: 300, threads: 1);
    }

    [Fact]
    public async Task Decisions_waiting_for_a_lease_share_one_request_in_flight()
    {
        var ledger = LedgerOf(1_000m);
        var broker = Broker(ledger, leaseUnits: 1);

        var reserved = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => broker.TryReserve("c", 1m).AsTask()));

        Assert.All(reserved, Assert.NotNull);
        Assert.Equal(1, ledger.MostInFlight);
    }

    [Fact]
    public async Task After_a_refusal_the_campaign_is_not_asked_again_until_the_backoff_passes()
    {
        var ledger = LedgerOf(0m);
        var broker = Broker(ledger);

        Assert.Null(await broker.TryReserve("c", 1m));
        Assert.Null(await broker.TryReserve("c", 1m));
        Assert.Equal(1, ledger.Requests);

        _clock.Advance(new BudgetOptions().ExhaustedBackoff);
        Assert.Null(await broker.TryReserve("c", 1m));
        Assert.Equal(2, ledger.Requests);
    }

    [Fact]
    public async Task An_unreachable_ledger_refuses_the_decision_rather_than_failing_it()
    {
        var ledger = LedgerOf(100m);
        ledger.Fails = true;

        Assert.Null(await Broker(ledger).TryReserve("c", 1m));
    }

    [Fact]
    public async Task A_held_out_check_reserves_nothing()
    {
        var ledger = LedgerOf(3m);
        var broker = Broker(ledger, leaseUnits: 3);

        Assert.True(await broker.CanAfford("c", 1m));
        Assert.True(await broker.CanAfford("c", 1m));
        Assert.NotNull(await broker.TryReserve("c", 3m));
        Assert.False(await broker.CanAfford("c", 1m));
    }

    [Fact]
    public async Task The_lease_report_carries_confirmed_and_reserved_spend_and_is_re_sent_until_acknowledged()
    {
        var broker = Broker(LedgerOf(100m), leaseUnits: 10);
        var delivered = (await broker.TryReserve("c", 2m))!;
        await broker.TryReserve("c", 3m);
        var failed = (await broker.TryReserve("c", 1m))!;
        broker.Confirm(delivered);
        broker.Release(failed);

        var first = Assert.Single(broker.TakeReports());
        var usage = Assert.Single(first.Leases);
        Assert.Equal((2m, 3m, false), (usage.Confirmed, usage.Reserved, usage.Closing));
        Assert.Same(first, Assert.Single(broker.TakeReports()));

        broker.Acknowledge("c", first.Sequence);
        var closing = Assert.Single(broker.TakeReports(closeAll: true));
        Assert.Equal(first.Sequence + 1, closing.Sequence);
        Assert.True(Assert.Single(closing.Leases).Closing);
    }

    [Fact]
    public async Task A_lease_near_its_expiry_is_not_spent_from()
    {
        var ledger = LedgerOf(100m);
        var broker = Broker(ledger, leaseUnits: 10);

        var first = (await broker.TryReserve("c", 1m))!;

        _clock.Advance(TimeSpan.FromSeconds(10) - BudgetLeaseBroker.ExpirySafety);
        var second = (await broker.TryReserve("c", 1m))!;

        Assert.Equal(2, ledger.Requests);
        Assert.NotEqual(first.LeaseId, second.LeaseId);
    }

    [Fact]
    public async Task A_silo_that_spends_fast_asks_for_leases_sized_to_its_pace_and_one_that_spends_slowly_for_the_minimum()
    {
        var ledger = new SizedLedger(_clock);
        var broker = Broker(ledger, leaseUnits: 10);

        for (var i = 0; i < 10; i++) Assert.NotNull(await broker.TryReserve("hot", 1m));
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.NotNull(await broker.TryReserve("hot", 1m));
        // 10 spent in 0.1 s is 100 a second: the next lease is a second's worth.
        Assert.Equal([10m, 100m], ledger.Requested);

        for (var i = 0; i < 99; i++) Assert.NotNull(await broker.TryReserve("hot", 1m));
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.NotNull(await broker.TryReserve("hot", 1m));
        // 100 spent over 5 s is 20 a second, above the minimum of 10.
        Assert.Equal([10m, 100m, 20m], ledger.Requested);

        for (var i = 0; i < 10; i++) Assert.NotNull(await broker.TryReserve("cold", 1m));
        Assert.NotNull(await broker.TryReserve("cold", 1m));
        // Emptied at once: counted over a twentieth of the horizon (50 ms), 200 a second, not unbounded.
        Assert.Equal([10m, 100m, 20m, 10m, 200m], ledger.Requested);
    }

    /// <summary>A ledger that grants whatever is asked and remembers the sizes asked for.</summary>
    private sealed class SizedLedger(TimeProvider clock) : ILeaseSource
    {
        private int _leases;
        public List<decimal> Requested { get; } = [];

        public Task<BudgetLeaseGrant> Acquire(string campaignId, string holder, decimal requested)
        {
            lock (Requested) Requested.Add(requested);
            return Task.FromResult(new BudgetLeaseGrant { LeaseId = $"lease-{Interlocked.Increment(ref _leases)}", Amount = requested, ExpiresAt = clock.GetUtcNow() + TimeSpan.FromSeconds(30) });
        }
    }
}
