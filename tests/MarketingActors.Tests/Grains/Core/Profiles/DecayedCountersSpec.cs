using CsCheck;
using MarketingActors.Core.Profiles;
using static MarketingActors.Tests.Support.TestCustomers;

namespace MarketingActors.Tests.Grains.Core.Profiles;

/// <summary>
/// An event of weight w at t contributes w·2^(−(now−t)/h) to the horizon with half-life h
/// (1h, 24h, 7d, 30d).
/// </summary>
public class DecayedCountersSpec
{
    public static TheoryData<int> Horizons => [0, 1, 2, 3];

    [Theory]
    [MemberData(nameof(Horizons))]
    public void An_event_is_worth_half_after_one_half_life_and_a_quarter_after_two(int horizon)
    {
        var counters = new DecayedCounters();
        counters.Add(T0);
        var h = DecayedCounters.HalfLives[horizon];

        Assert.Equal(1.0, counters.ValueAt(horizon, T0), 12);
        Assert.Equal(0.5, counters.ValueAt(horizon, T0 + h), 12);
        Assert.Equal(0.25, counters.ValueAt(horizon, T0 + h + h), 12);
    }

    [Fact]
    public void Weights_add_up()
    {
        var counters = new DecayedCounters();
        counters.Add(T0, 2.5);
        counters.Add(T0, 0.5);
        Assert.Equal(3.0, counters.ValueAt(1, T0), 12);
    }

    [Fact]
    public void An_empty_counter_is_zero_at_any_time()
    {
        var counters = new DecayedCounters();
        Assert.Equal(0, counters.ValueAt(0, T0));
        Assert.Null(counters.Clock);
    }

    [Fact]
    public void A_late_event_is_decayed_to_the_clock_instead_of_moving_it_backwards()
    {
        var counters = new DecayedCounters();
        counters.Add(T0);
        counters.Add(T0.AddHours(-1)); // arrives late: one 1h-half-life old

        Assert.Equal(T0, counters.Clock);
        Assert.Equal(1.5, counters.ValueAt(0, T0), 12);
        Assert.Equal(1 + Math.Pow(2, -1.0 / 24), counters.ValueAt(1, T0), 12);
    }

    [Fact]
    public void Reading_before_the_clock_does_not_inflate_the_value()
    {
        var counters = new DecayedCounters();
        counters.Add(T0);
        Assert.Equal(1.0, counters.ValueAt(0, T0.AddHours(-5)), 12);
    }

    private static readonly Gen<(double Hours, double Weight)[]> Stream =
        Gen.Select(Gen.Double[0, 1000], Gen.Double[0.1, 5]).Array[0, 30];

    private static DecayedCounters Of(IEnumerable<(double Hours, double Weight)> events)
    {
        var counters = new DecayedCounters();
        foreach (var (hours, weight) in events) counters.Add(T0.AddHours(hours), weight);
        return counters;
    }

    private static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");

    [Fact]
    public void Merging_two_counters_equals_counting_both_streams_in_one()
    {
        Gen.Select(Stream, Stream, Gen.Double[0, 100]).Sample((a, b, later) =>
        {
            var merged = Of(a);
            merged.MergeFrom(Of(b));
            var both = Of(a.Concat(b));
            var last = a.Concat(b).Select(e => e.Hours).DefaultIfEmpty(0).Max();
            var at = T0.AddHours(last + later);
            for (var horizon = 0; horizon < DecayedCounters.HalfLives.Length; horizon++)
                AssertClose(both.ValueAt(horizon, at), merged.ValueAt(horizon, at));
        }, iter: 500);
    }

    [Fact]
    public void The_order_in_which_events_arrive_does_not_matter()
    {
        Gen.Select(Stream, Gen.Int).Sample((events, seed) =>
        {
            var shuffled = events.ToArray();
            new Random(seed).Shuffle(shuffled);
            var at = T0.AddHours(1000);
            var inOrder = Of(events.OrderBy(e => e.Hours));
            var anyOrder = Of(shuffled);
            for (var horizon = 0; horizon < DecayedCounters.HalfLives.Length; horizon++)
                AssertClose(inOrder.ValueAt(horizon, at), anyOrder.ValueAt(horizon, at));
        }, iter: 500);
    }

    [Fact]
    public void Merging_an_empty_counter_changes_nothing_and_merging_into_one_copies()
    {
        var counters = Of([(0, 1), (5, 2)]);
        var before = counters.ValueAt(1, T0.AddHours(10));
        counters.MergeFrom(new DecayedCounters());
        Assert.Equal(before, counters.ValueAt(1, T0.AddHours(10)), 12);

        var empty = new DecayedCounters();
        empty.MergeFrom(counters);
        Assert.Equal(before, empty.ValueAt(1, T0.AddHours(10)), 12);
    }

    [Fact]
    public void Mean_lifetime_is_half_life_over_ln2_so_a_steady_rate_settles_at_rate_times_tau()
    {
        Assert.Equal(24 / Math.Log(2), DecayedCounters.MeanLifetimeHours(1), 9);

        // One event per hour for 20 days, 24h horizon: settles at ≈ r·τ (+½ for the discrete sum).
        var counters = new DecayedCounters();
        for (var i = 0; i < 24 * 20; i++) counters.Add(T0.AddHours(i));
        var settled = counters.ValueAt(1, T0.AddHours(24 * 20 - 1));
        Assert.InRange(settled, DecayedCounters.MeanLifetimeHours(1), DecayedCounters.MeanLifetimeHours(1) + 1);
    }
}
