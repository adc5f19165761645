using MarketingActors.Core.Profiles;
using static MarketingActors.Tests.Support.TestCustomers;

namespace MarketingActors.Tests.Grains.Core.Profiles;

/// <summary>
///   rate_h   = E_h(now) / τ_h          (decayed count over mean lifetime τ_h = h / ln 2, events/hour)
///   velocity = log2((rate_24h + α) / (rate_30d + α)),  α = 1/720 events/hour
/// 0: usual pace; +1: twice the usual pace over the last day; −1: half of it.
/// </summary>
public class EngagementVelocitySpec
{
    private static DecayedCounters Steady(DateTimeOffset start, TimeSpan every, TimeSpan for_)
    {
        var counters = new DecayedCounters();
        for (var at = start; at < start + for_; at += every) counters.Add(at);
        return counters;
    }

    [Fact]
    public void Is_zero_for_a_customer_without_history()
    {
        Assert.Equal(0, EngagementVelocity.Compute(new DecayedCounters(), T0));
    }

    [Fact]
    public void Is_about_zero_at_a_steady_rate_sustained_for_a_year()
    {
        // Long enough (12 half-lives of the 30-day horizon) that both horizons have settled at r·τ.
        var counters = Steady(T0, TimeSpan.FromHours(1), TimeSpan.FromDays(365));
        var velocity = EngagementVelocity.Compute(counters, T0.AddDays(365));
        Assert.InRange(velocity, -0.1, 0.1);
    }

    [Fact]
    public void Is_positive_for_a_burst_above_the_usual_pace()
    {
        var counters = Steady(T0, TimeSpan.FromHours(8), TimeSpan.FromDays(120));
        var now = T0.AddDays(120);
        var before = EngagementVelocity.Compute(counters, now);
        for (var i = 0; i < 20; i++) counters.Add(now.AddMinutes(i));
        var after = EngagementVelocity.Compute(counters, now.AddMinutes(30));

        Assert.InRange(before, -0.3, 0.3);
        Assert.True(after > 1, $"burst velocity {after} should exceed +1 (more than twice the usual pace)");
    }

    [Fact]
    public void Drops_to_at_most_minus_one_three_days_after_a_steady_month_of_engagement_stops()
    {
        // 3 events/day for 30 days, then silence. After d silent days the 24h rate has decayed by
        // 2^(−d) and the 30d rate by 2^(−d/30); starting near +1 (30 days fill half of the 30d
        // horizon), velocity ≈ 1 − d + d/30, i.e. ≤ −1 from about two days on.
        var counters = Steady(T0, TimeSpan.FromHours(8), TimeSpan.FromDays(30));
        var stop = T0.AddDays(30);

        var atStop = EngagementVelocity.Compute(counters, stop);
        var afterThreeDays = EngagementVelocity.Compute(counters, stop.AddDays(3));

        Assert.InRange(atStop, 0.5, 1.5);
        Assert.True(afterThreeDays <= -1, $"velocity three days after stopping was {afterThreeDays}");
    }

    [Fact]
    public void Keeps_falling_day_after_day_while_the_customer_stays_away()
    {
        var counters = Steady(T0, TimeSpan.FromHours(8), TimeSpan.FromDays(30));
        var stop = T0.AddDays(30);
        var series = Enumerable.Range(0, 6).Select(d => EngagementVelocity.Compute(counters, stop.AddDays(d))).ToArray();
        for (var d = 1; d < series.Length; d++) Assert.True(series[d] < series[d - 1], $"day {d}: {series[d]} !< {series[d - 1]}");
    }

    [Fact]
    public void Stays_finite_for_a_long_dormant_customer_thanks_to_smoothing()
    {
        var counters = new DecayedCounters();
        counters.Add(T0);
        var velocity = EngagementVelocity.Compute(counters, T0.AddDays(400));
        Assert.True(double.IsFinite(velocity));
        Assert.InRange(velocity, -1, 0.01);
    }
}
