using CsCheck;
using MarketingActors.Campaigns;
using MarketingActors.Core.Budget;

namespace MarketingActors.Tests.Grains.Core.Budget;

public class BudgetLedgerSpec
{
    private static readonly DateTimeOffset Morning = new(2025, 6, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Day = DateOnly.FromDateTime(Morning.UtcDateTime);
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    private static BudgetLedger Ledger(decimal total, decimal? daily = null)
    {
        var ledger = new BudgetLedger();
        Assert.Null(ledger.SetEnvelope(total, daily, "USD", Day));
        return ledger;
    }

    private static void AssertBalanced(BudgetLedger ledger, DateTimeOffset now)
    {
        var v = ledger.View(now);
        Assert.Equal(v.Total, v.Spent + v.Reserved + v.Leased + v.Remaining + v.WrittenOff);
    }

    [Fact]
    public void Never_grants_more_than_the_total()
    {
        var ledger = Ledger(100m);
        Assert.Equal(60m, ledger.Grant("silo-1", 60m, Morning, Ttl).Amount);
        Assert.Equal(40m, ledger.Grant("silo-2", 60m, Morning, Ttl).Amount);
        var refused = ledger.Grant("silo-1", 1m, Morning, Ttl);
        Assert.Equal(0m, refused.Amount);
        Assert.Equal("budget_exhausted", refused.Reason);
        Assert.Equal(0m, ledger.Remaining);
    }

    [Fact]
    public void Never_grants_more_than_the_daily_cap()
    {
        var ledger = Ledger(1000m, daily: 100m);
        Assert.Equal(60m, ledger.Grant("silo-1", 60m, Morning, Ttl).Amount);
        Assert.Equal(40m, ledger.Grant("silo-2", 60m, Morning.AddHours(1), Ttl).Amount);
        var refused = ledger.Grant("silo-1", 10m, Morning.AddHours(2), Ttl);
        Assert.Equal("daily_budget_exhausted", refused.Reason);
        Assert.Equal(100m, ledger.CommittedOn(Day));
    }

    [Fact]
    public void The_daily_cap_starts_afresh_on_the_next_utc_day()
    {
        var ledger = Ledger(1000m, daily: 100m);
        ledger.Grant("silo-1", 100m, Morning, Ttl);
        var tomorrow = Morning.AddDays(1);
        ledger.ExpireSilent(tomorrow, Grace);
        Assert.Equal(100m, ledger.Grant("silo-1", 100m, tomorrow, Ttl).Amount);
        Assert.Equal(800m, ledger.Remaining); // yesterday's silent lease is written off, never re-spent
    }

    [Fact]
    public void A_lease_never_outlives_its_utc_day()
    {
        var ledger = Ledger(1000m);
        var lateEvening = new DateTimeOffset(2025, 6, 2, 23, 59, 50, TimeSpan.Zero);

        var grant = ledger.Grant("silo-1", 10m, lateEvening, TimeSpan.FromMinutes(5));

        Assert.Equal(new DateTimeOffset(2025, 6, 3, 0, 0, 0, TimeSpan.Zero), grant.ExpiresAt);
        Assert.Equal(Morning + Ttl, ledger.Grant("silo-1", 10m, Morning, Ttl).ExpiresAt);
    }

    [Fact]
    public void Closing_a_lease_returns_what_was_not_committed()
    {
        var ledger = Ledger(1000m, daily: 100m);
        var lease = ledger.Grant("silo-1", 100m, Morning, Ttl);

        Assert.True(ledger.Apply(new LeaseUsage { LeaseId = lease.LeaseId, Confirmed = 30m, Reserved = 20m, Closing = true }));

        Assert.Equal(50m, ledger.ClosedSpent); // outstanding reservations count as spent
        Assert.Equal(950m, ledger.Remaining);
        Assert.Equal(50m, ledger.CommittedOn(Day));
        Assert.Empty(ledger.Open);
        Assert.Equal(50m, ledger.Grant("silo-2", 80m, Morning, Ttl).Amount); // the returned half of the day is available again
        AssertBalanced(ledger, Morning);
    }

    [Fact]
    public void A_silent_holder_is_written_off_except_for_what_it_confirmed()
    {
        var ledger = Ledger(1000m);
        var lease = ledger.Grant("silo-1", 100m, Morning, Ttl);
        ledger.Apply(new LeaseUsage { LeaseId = lease.LeaseId, Confirmed = 10m, Reserved = 5m });

        Assert.Equal(0, ledger.ExpireSilent(lease.ExpiresAt + Grace - TimeSpan.FromTicks(1), Grace));
        Assert.Equal(1, ledger.ExpireSilent(lease.ExpiresAt + Grace, Grace));

        Assert.Equal(10m, ledger.ClosedSpent);
        Assert.Equal(90m, ledger.WrittenOff);
        Assert.Equal(900m, ledger.Remaining);
        Assert.False(ledger.Apply(new LeaseUsage { LeaseId = lease.LeaseId, Confirmed = 15m, Closing = true })); // too late: ignored
        Assert.Equal(900m, ledger.Remaining);
    }

    [Fact]
    public void Usage_is_clamped_to_what_the_lease_granted()
    {
        var ledger = Ledger(1000m);
        var lease = ledger.Grant("silo-1", 10m, Morning, Ttl);
        ledger.Apply(new LeaseUsage { LeaseId = lease.LeaseId, Confirmed = 25m, Reserved = 25m, Closing = true });
        Assert.Equal(10m, ledger.ClosedSpent);
        Assert.Equal(990m, ledger.Remaining);
    }

    [Fact]
    public void A_stale_report_cannot_commit_more_than_the_lease()
    {
        var ledger = Ledger(100m, daily: 100m);
        var lease = ledger.Grant("silo-1", 100m, Morning, Ttl);

        ledger.Apply(new LeaseUsage { LeaseId = lease.LeaseId, Confirmed = 80m, Reserved = 0m });
        // An older report (less confirmed, more reserved) arrives late and closes the lease.
        ledger.Apply(new LeaseUsage { LeaseId = lease.LeaseId, Confirmed = 20m, Reserved = 80m, Closing = true });

        Assert.Equal(100m, ledger.ClosedSpent);
        Assert.Equal(0m, ledger.Remaining);
        Assert.Equal(100m, ledger.CommittedOn(Day));
    }

    [Fact]
    public void Confirmed_spend_never_goes_backwards()
    {
        var ledger = Ledger(1000m);
        var lease = ledger.Grant("silo-1", 100m, Morning, Ttl);
        ledger.Apply(new LeaseUsage { LeaseId = lease.LeaseId, Confirmed = 40m });
        ledger.Apply(new LeaseUsage { LeaseId = lease.LeaseId, Confirmed = 10m });
        Assert.Equal(40m, ledger.Open[lease.LeaseId].Confirmed);
    }

    [Fact]
    public void Usage_of_an_unknown_lease_is_ignored()
    {
        var ledger = Ledger(1000m);
        Assert.False(ledger.Apply(new LeaseUsage { LeaseId = "L999", Confirmed = 5m, Closing = true }));
        Assert.Equal(0m, ledger.ClosedSpent);
    }

    [Fact]
    public void Invalid_requests_are_refused()
    {
        var ledger = Ledger(1000m);
        Assert.Equal("invalid_request", ledger.Grant("silo-1", 0m, Morning, Ttl).Reason);
        Assert.Equal("invalid_request", ledger.Grant("silo-1", -5m, Morning, Ttl).Reason);
        Assert.Empty(ledger.Open);
    }

    [Fact]
    public void The_envelope_cannot_be_set_below_what_is_already_committed()
    {
        var ledger = Ledger(1000m);
        var lease = ledger.Grant("silo-1", 300m, Morning, Ttl);
        ledger.Apply(new LeaseUsage { LeaseId = lease.LeaseId, Confirmed = 100m, Closing = true });
        ledger.Grant("silo-2", 200m, Morning, Ttl);

        Assert.Equal("budget_below_committed", ledger.SetEnvelope(299m, null, "USD", Day));
        Assert.Equal(1000m, ledger.Total);
        Assert.Null(ledger.SetEnvelope(300m, null, "USD", Day));
        Assert.Equal(300m, ledger.Total);
        Assert.Equal(0m, ledger.Remaining);
    }

    [Fact]
    public void The_daily_cap_cannot_be_set_below_what_is_already_committed_today()
    {
        var ledger = Ledger(1000m, daily: 200m);
        ledger.Grant("silo-1", 150m, Morning, Ttl);

        Assert.Equal("daily_below_committed", ledger.SetEnvelope(1000m, 100m, "USD", Day));
        Assert.Equal(200m, ledger.Daily);
        Assert.Null(ledger.SetEnvelope(1000m, 150m, "USD", Day));
        Assert.Null(ledger.SetEnvelope(1000m, 100m, "USD", Day.AddDays(1))); // tomorrow nothing is committed yet
    }

    [Fact]
    public void The_currency_cannot_change_while_leases_are_open()
    {
        var ledger = Ledger(1000m);
        var lease = ledger.Grant("silo-1", 10m, Morning, Ttl);
        Assert.Equal("currency_change_with_open_leases", ledger.SetEnvelope(1000m, null, "EUR", Day));
        ledger.Apply(new LeaseUsage { LeaseId = lease.LeaseId, Closing = true });
        Assert.Null(ledger.SetEnvelope(1000m, null, "EUR", Day));
        Assert.Equal("EUR", ledger.Currency);
    }

    [Fact]
    public void The_view_adds_up_to_the_total()
    {
        var ledger = Ledger(1000m, daily: 500m);
        var a = ledger.Grant("silo-1", 100m, Morning, Ttl);
        var b = ledger.Grant("silo-2", 100m, Morning, Ttl);
        ledger.Grant("silo-3", 100m, Morning, Ttl);
        ledger.Apply(new LeaseUsage { LeaseId = a.LeaseId, Confirmed = 10m, Reserved = 20m });
        ledger.Apply(new LeaseUsage { LeaseId = b.LeaseId, Confirmed = 30m, Closing = true });

        var v = ledger.View(Morning);
        Assert.Equal(40m, v.Spent);
        Assert.Equal(20m, v.Reserved);
        Assert.Equal(170m, v.Leased);
        Assert.Equal(770m, v.Remaining);
        Assert.Equal(230m, v.CommittedToday);
        Assert.Equal(2, v.OpenLeases);
        AssertBalanced(ledger, Morning);
    }

    // ---------------------------------------------------------------------------------------
    // Property: random interleavings of grants, usage reports, silent expiry and envelope
    // changes never let the ledger (or the holders spending from it) exceed the envelope.
    // ---------------------------------------------------------------------------------------

    private enum OpKind { Grant, Report, Expire, SetEnvelope }

    private sealed record Op(OpKind Kind, int Holder, int A, int B, int C, bool Flag, int AdvanceMinutes);

    private static readonly Gen<Op> GenOp = Gen.Select(
        Gen.Frequency((4, Gen.Const(OpKind.Grant)), (5, Gen.Const(OpKind.Report)), (1, Gen.Const(OpKind.Expire)), (1, Gen.Const(OpKind.SetEnvelope))),
        Gen.Int[0, 2], Gen.Int[0, 1000], Gen.Int[0, 1000], Gen.Int[0, 1000], Gen.Bool, Gen.Int[0, 240],
        (kind, holder, a, b, c, flag, advance) => new Op(kind, holder, a, b, c, flag, advance));

    /// <summary>What the test knows independently of the ledger about one lease.</summary>
    private sealed class LeaseModel
    {
        public required string Id { get; init; }
        public required decimal Granted { get; init; }
        public required DateOnly Day { get; init; }
        public decimal MaxConfirmed { get; set; }
        public decimal ClosingReserved { get; set; }
        public string State { get; set; } = "open"; // open, closed, expired

        /// <summary>
        /// The most its holder can end up spending: all of it while open or after going silent;
        /// after closing, what it had confirmed plus what it still had reserved (never more than granted).
        /// </summary>
        public decimal Exposure => State == "closed" ? Math.Min(Granted, MaxConfirmed + ClosingReserved) : Granted;
    }

    [Fact]
    public void Random_interleavings_never_spend_beyond_the_envelope_or_the_daily_cap()
    {
        var gen = Gen.Select(Gen.Int[0, 3000], Gen.Int[0, 600], GenOp.Array[1, 80]);
        gen.Sample((initialTotal, initialDaily, ops) =>
        {
            var now = new DateTimeOffset(2025, 6, 2, 20, 0, 0, TimeSpan.Zero);
            var ttl = TimeSpan.FromMinutes(30);
            var grace = TimeSpan.FromMinutes(5);
            var ledger = new BudgetLedger();
            Assert.Null(ledger.SetEnvelope(initialTotal, initialDaily == 0 ? null : Math.Min(initialDaily, initialTotal), "USD", Today(now)));
            var leases = new List<LeaseModel>();
            var pastDays = new Dictionary<DateOnly, decimal>();

            foreach (var op in ops)
            {
                now = now.AddMinutes(op.AdvanceMinutes);
                var today = Today(now);
                switch (op.Kind)
                {
                    case OpKind.Grant:
                    {
                        var requested = op.A % 301; // 0 is an invalid request
                        var before = (ledger.Remaining, ledger.Daily is { } d ? d - ledger.CommittedOn(today) : decimal.MaxValue);
                        var grant = ledger.Grant($"silo-{op.Holder}", requested, now, ttl);
                        if (grant.Amount <= 0) break;
                        Assert.True(grant.Amount <= requested);
                        Assert.True(grant.Amount <= before.Remaining && grant.Amount <= before.Item2);
                        Assert.True(grant.ExpiresAt <= new DateTimeOffset(today.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
                        leases.Add(new LeaseModel { Id = grant.LeaseId, Granted = grant.Amount, Day = today });
                        break;
                    }
                    case OpKind.Report when leases.Count > 0:
                    {
                        var lease = leases[op.A % leases.Count];
                        // Cumulative usage within the grant; reports may be stale (confirmed lower than before).
                        var confirmed = Math.Round(lease.Granted * op.B / 1000m, 2);
                        var reserved = Math.Round((lease.Granted - confirmed) * op.C / 1000m, 2);
                        var closing = op.Flag;
                        var applied = ledger.Apply(new LeaseUsage { LeaseId = lease.Id, Confirmed = confirmed, Reserved = reserved, Closing = closing });
                        Assert.Equal(lease.State == "open", applied);
                        if (!applied) break;
                        lease.MaxConfirmed = Math.Max(lease.MaxConfirmed, confirmed);
                        if (closing)
                        {
                            lease.State = "closed";
                            lease.ClosingReserved = reserved;
                        }
                        break;
                    }
                    case OpKind.Expire:
                    {
                        ledger.ExpireSilent(now, grace);
                        foreach (var l in leases.Where(l => l.State == "open" && !ledger.Open.ContainsKey(l.Id))) l.State = "expired";
                        break;
                    }
                    case OpKind.SetEnvelope:
                    {
                        decimal total = op.A * 3;
                        decimal? daily = op.B % 4 == 0 ? null : Math.Max(1, Math.Min(total, op.B));
                        var currency = op.C % 10 == 0 ? "EUR" : ledger.Currency;
                        var committed = ledger.ClosedSpent + ledger.WrittenOff + ledger.Granted;
                        var refusal = ledger.SetEnvelope(total, daily, currency, today);
                        if (total < committed) Assert.Equal("budget_below_committed", refusal);
                        if (refusal is null)
                        {
                            Assert.Equal(total, ledger.Total);
                            Assert.Equal(daily, ledger.Daily);
                        }
                        break;
                    }
                }

                // 1. The ledger's books never exceed the envelope.
                Assert.True(ledger.ClosedSpent + ledger.WrittenOff + ledger.Granted <= ledger.Total,
                    $"closed {ledger.ClosedSpent} + written off {ledger.WrittenOff} + granted {ledger.Granted} > total {ledger.Total}");
                // 2. Today's commitments stay within the daily cap, and past days can only give money back.
                if (ledger.Daily is { } cap) Assert.True(ledger.CommittedOn(today) <= cap, $"committed {ledger.CommittedOn(today)} on {today} > daily {cap}");
                foreach (var (day, amount) in ledger.CommittedByDay)
                {
                    Assert.True(amount >= 0);
                    if (day < today && pastDays.TryGetValue(day, out var before)) Assert.True(amount <= before, $"{day} grew from {before} to {amount}");
                    pastDays[day] = amount;
                }
                // 3. What the holders could really spend never exceeds the total, and the books account for exactly that.
                var exposure = leases.Sum(l => l.Exposure);
                Assert.True(exposure <= ledger.Total, $"holders could spend {exposure} > total {ledger.Total}");
                Assert.Equal(leases.Where(l => l.State == "open").Sum(l => l.Granted), ledger.Granted);
                Assert.Equal(leases.Where(l => l.State != "open").Sum(l => l.Exposure), ledger.ClosedSpent + ledger.WrittenOff);
                // 4. The owner's view balances.
                var v = ledger.View(now);
                Assert.Equal(v.Total, v.Spent + v.Reserved + v.Leased + v.Remaining + v.WrittenOff);
                Assert.True(v.Leased >= 0 && v.Reserved >= 0 && v.Remaining >= 0);
            }
        }, iter: 2000);
    }

    private static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime);
}
