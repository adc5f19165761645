using MarketingActors.Core.Measurement;
using MarketingActors.Measurement;

namespace MarketingActors.Tests.Grains.Core.Measurement;

/// <summary>Expected values computed by hand (formulas in LiftStatistics' summary) and, for Newcombe, from his 1998 paper.</summary>
public sealed class LiftStatisticsSpec
{
    private static void Near(double expected, double actual, double tolerance = 1e-6) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"expected {expected}, got {actual}");

    [Fact]
    public void Wilson_interval_of_100_in_1000_matches_the_score_formula()
    {
        var (lower, upper) = LiftStatistics.Wilson(100, 1000);
        Near(0.0829094436, lower);
        Near(0.1201519632, upper);
    }

    [Fact]
    public void Absolute_lift_reproduces_Newcombe_1998_method_10_example()
    {
        // Newcombe, Statistics in Medicine 17:873–890, table II: 56/70 vs 48/80 → 0.2000 (0.0524, 0.3339).
        var lift = LiftStatistics.AbsoluteLift(56, 70, 48, 80)!;
        Near(0.2, lift.Estimate);
        Near(0.0524, lift.Lower, 5e-5);
        Near(0.3339, lift.Upper, 5e-5);
    }

    [Fact]
    public void Absolute_lift_of_10_vs_5_percent_has_the_hybrid_score_interval()
    {
        var lift = LiftStatistics.AbsoluteLift(100, 1000, 50, 1000)!;
        Near(0.05, lift.Estimate);
        Near(0.0270522287, lift.Lower);
        Near(0.0733878663, lift.Upper);
    }

    [Fact]
    public void Relative_lift_uses_the_log_ratio_interval()
    {
        // log(2) ± 1.96·√(1/100 − 1/1000 + 1/50 − 1/1000)
        var lift = LiftStatistics.RelativeLift(100, 1000, 50, 1000)!;
        Near(1.0, lift.Estimate);
        Near(0.4407768924, lift.Lower);
        Near(1.7762799509, lift.Upper);
    }

    [Fact]
    public void Relative_lift_is_undefined_until_both_arms_convert_and_absolute_lift_until_both_arms_have_decisions()
    {
        Assert.Null(LiftStatistics.RelativeLift(10, 100, 0, 100));
        Assert.Null(LiftStatistics.AbsoluteLift(10, 100, 0, 0));
        Assert.NotNull(LiftStatistics.AbsoluteLift(10, 100, 0, 100));
    }

    [Fact]
    public void Incremental_revenue_ROI_and_cost_per_incremental_conversion_follow_from_the_revenue_difference()
    {
        // 1000 treated with 100 purchases of $50, 1000 held out with 50 purchases of $50, $500 spent.
        var perDecision = LiftStatistics.MeanDifference(5000, 100 * 2500, 1000, 2500, 50 * 2500, 1000)!;
        var revenue = LiftStatistics.Scale(perDecision, 1000);
        Near(2500, revenue.Estimate);
        Near(1350.2942581, revenue.Lower, 1e-4);
        Near(3649.7057419, revenue.Upper, 1e-4);

        var roi = LiftStatistics.Roi(revenue, 500)!;
        Near(4.0, roi.Estimate);
        Near((1350.2942581 - 500) / 500, roi.Lower, 1e-6);

        var conversions = LiftStatistics.Scale(LiftStatistics.AbsoluteLift(100, 1000, 50, 1000)!, 1000);
        Near(10.0, LiftStatistics.CostPerIncrementalConversion(500, conversions)!.Value);
        Assert.Null(LiftStatistics.Roi(revenue, 0));
        Assert.Null(LiftStatistics.CostPerIncrementalConversion(500, new Interval { Estimate = -1, Lower = -2, Upper = 0 }));
    }

    [Fact]
    public void Dispersion_is_zero_when_channels_agree_and_large_when_they_disagree()
    {
        var agree = LiftStatistics.Dispersion([(100, 1000, 50, 1000), (100, 1000, 50, 1000)]);
        var disagree = LiftStatistics.Dispersion([(200, 1000, 50, 1000), (50, 1000, 50, 1000)]);

        Assert.Equal(2, agree.Channels);
        Near(0, agree.StandardDeviation!.Value);
        Near(0, agree.ISquared!.Value);
        // Lifts 0.15 and 0: sample SD = 0.15/√2.
        Near(0.15 / Math.Sqrt(2), disagree.StandardDeviation!.Value);
        Assert.True(disagree.ISquared > 0.9, $"I² {disagree.ISquared}");
        Assert.Null(LiftStatistics.Dispersion([(1, 10, 1, 10)]).CochranQ);
    }
}
