using MarketingActors.Core.Customers;
using MarketingActors.Core.Profiles;
using static MarketingActors.Tests.Support.TestCustomers;

namespace MarketingActors.Tests.Grains.Core.Profiles;

public class TriggerDetectorSpec
{
    private static readonly TriggerThresholds Thresholds = new();

    private static List<string> Likelihood(TriggerState state, double likelihood) =>
        TriggerDetector.OnScores(state, Thresholds, likelihood, velocity: 0, engagement30d: 10);

    private static List<string> Velocity(TriggerState state, double velocity, double engagement30d = 10) =>
        TriggerDetector.OnScores(state, Thresholds, likelihood: 0.01, velocity, engagement30d);

    [Fact]
    public void Likely_to_convert_fires_once_on_the_upward_crossing()
    {
        var state = new TriggerState();
        Assert.Empty(Likelihood(state, 0.3));
        Assert.Equal([TriggerNames.LikelyToConvert24h], Likelihood(state, 0.55));
        Assert.Empty(Likelihood(state, 0.6));
        Assert.Empty(Likelihood(state, 0.9));
    }

    [Fact]
    public void Likely_to_convert_re_arms_only_below_the_rearm_band()
    {
        var state = new TriggerState();
        Likelihood(state, 0.55);

        Assert.Empty(Likelihood(state, 0.45)); // inside the hysteresis band [0.4, 0.5): still latched
        Assert.Empty(Likelihood(state, 0.55));
        Assert.Empty(Likelihood(state, 0.35)); // below 0.4: re-armed, nothing fires on the way down
        Assert.Equal([TriggerNames.LikelyToConvert24h], Likelihood(state, 0.5));
    }

    [Fact]
    public void Velocity_drop_needs_enough_prior_engagement_to_mean_anything()
    {
        var state = new TriggerState();
        Assert.Empty(Velocity(state, -2.0, engagement30d: 1.0));
        Assert.Equal([TriggerNames.VelocityDrop], Velocity(state, -2.0, engagement30d: 3.0));
    }

    [Fact]
    public void Velocity_drop_fires_once_and_re_arms_above_the_rearm_velocity()
    {
        var state = new TriggerState();
        Assert.Equal([TriggerNames.VelocityDrop], Velocity(state, -1.0));
        Assert.Empty(Velocity(state, -2.0));
        Assert.Empty(Velocity(state, -0.7)); // between −1 and −0.5: still latched
        Assert.Empty(Velocity(state, -1.2));
        Assert.Empty(Velocity(state, -0.3)); // above −0.5: re-armed
        Assert.Equal([TriggerNames.VelocityDrop], Velocity(state, -1.1));
    }

    [Fact]
    public void Both_triggers_can_fire_on_the_same_scores_independently()
    {
        var state = new TriggerState();
        var fired = TriggerDetector.OnScores(state, Thresholds, likelihood: 0.7, velocity: -1.5, engagement30d: 5);
        Assert.Equal([TriggerNames.LikelyToConvert24h, TriggerNames.VelocityDrop], fired);
    }

    [Fact]
    public void A_customer_who_stops_after_a_steady_month_trips_velocity_drop_within_a_few_days()
    {
        var engagement = new DecayedCounters();
        for (var at = T0; at < T0.AddDays(30); at = at.AddHours(8)) engagement.Add(at);
        var state = new TriggerState();
        var firedOn = new List<int>();
        for (var day = 0; day <= 6; day++)
        {
            var now = T0.AddDays(30 + day);
            var fired = TriggerDetector.OnScores(state, Thresholds, 0.01,
                EngagementVelocity.Compute(engagement, now), engagement.ValueAt(EngagementVelocity.LongHorizon, now));
            if (fired.Contains(TriggerNames.VelocityDrop)) firedOn.Add(day);
        }
        var only = Assert.Single(firedOn);
        Assert.InRange(only, 2, 3);
    }

    [Fact]
    public void Cold_lead_fires_after_the_lapse_and_only_once_per_lapse()
    {
        var state = new TriggerState();
        var last = T0;

        Assert.False(TriggerDetector.IsColdLead(state, Thresholds, last, last.AddDays(13.9)));
        Assert.True(TriggerDetector.IsColdLead(state, Thresholds, last, last.AddDays(14)));
        Assert.False(TriggerDetector.IsColdLead(state, Thresholds, last, last.AddDays(20)));
        Assert.False(TriggerDetector.IsColdLead(state, Thresholds, last, last.AddDays(60)));

        var engagedAgain = last.AddDays(61);
        Assert.False(TriggerDetector.IsColdLead(state, Thresholds, engagedAgain, engagedAgain.AddDays(1)));
        Assert.True(TriggerDetector.IsColdLead(state, Thresholds, engagedAgain, engagedAgain.AddDays(15)));
    }

    [Fact]
    public void A_customer_who_never_engaged_is_never_a_cold_lead()
    {
        Assert.False(TriggerDetector.IsColdLead(new TriggerState(), Thresholds, null, T0.AddYears(1)));
        Assert.Null(TriggerDetector.NextColdLeadCheck(new TriggerState(), Thresholds, null));
    }

    [Fact]
    public void The_next_cold_lead_check_is_due_at_the_lapse_and_not_again_after_firing()
    {
        var state = new TriggerState();
        Assert.Equal(T0.AddDays(14), TriggerDetector.NextColdLeadCheck(state, Thresholds, T0));
        TriggerDetector.IsColdLead(state, Thresholds, T0, T0.AddDays(14));
        Assert.Null(TriggerDetector.NextColdLeadCheck(state, Thresholds, T0));
        Assert.Equal(T0.AddDays(30 + 14), TriggerDetector.NextColdLeadCheck(state, Thresholds, T0.AddDays(30)));
    }

    [Fact]
    public void Customer_options_derive_the_hysteresis_bands_from_the_thresholds()
    {
        var t = new CustomerOptions { LikelyToConvertThreshold = 0.7, VelocityDropThreshold = -2 }.Thresholds;
        Assert.Equal(0.6, t.LikelyToConvertRearm, 9);
        Assert.Equal(-1, t.VelocityRearm, 9);
    }
}
