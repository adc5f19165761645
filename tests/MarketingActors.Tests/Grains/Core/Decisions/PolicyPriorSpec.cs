using MarketingActors.Core.Decisions;
using MarketingActors.Decisions;

namespace MarketingActors.Tests.Grains.Core.Decisions;

/// <summary>
/// What a campaign's arms share: the pooled rates and values, how far each arm's own evidence is
/// shrunk towards them (as far as the arms look alike), and conversion through engagement.
/// </summary>
public sealed class PolicyPriorSpec
{
    private static PolicyPrior Prior(params ArmStatistics[] arms) => PolicyPrior.Pool(arms, conversionValue: 10, weightPrecision: 10);

    private static ArmStatistics Arm(string id, long trials, long engagements, long conversions, double value = 50) => new()
    {
        ArmId = id, Trials = trials, Engagements = engagements, Conversions = conversions,
        Revenue = conversions * value, RevenueSquares = conversions * (value * value + 400),
    };

    [Fact]
    public void The_variance_between_arms_is_Cochrans_excess_over_what_alike_arms_would_show()
    {
        // Weights 100 / 0.04 = 2,500 each; Q = 2,500·(0.1² + 0.3²) − (2,500·0.4)² / 5,000 = 50; τ² = (50 − 1) / (5,000 − 2,500).
        Assert.Equal(49.0 / 2500, PolicyPrior.BetweenArms([(100, 0.1), (100, 0.3)], within: 0.04), 12);
        Assert.Equal(0, PolicyPrior.BetweenArms([(100, 0.2), (100, 0.21)], within: 0.04));
        Assert.Equal(double.PositiveInfinity, PolicyPrior.BetweenArms([(100, 0.2)], within: 0.04));
    }

    [Fact]
    public void Arms_whose_orders_are_worth_alike_share_the_pooled_value_with_the_weight_of_all_their_conversions()
    {
        var prior = Prior(Arm("a", 1000, 0, 100, value: 50), Arm("b", 1000, 0, 100, value: 50));

        Assert.Equal(200, prior.ValueConversions);
    }

    [Fact]
    public void Arms_whose_orders_are_worth_clearly_different_amounts_keep_their_own_values()
    {
        var prior = Prior(Arm("a", 1000, 0, 100, value: 50), Arm("b", 1000, 0, 100, value: 20));

        Assert.Equal(SegmentShrinkage.ValuePriorConversions, prior.ValueConversions);
        Assert.InRange(ArmPosterior.Of(Arm("a", 1000, 0, 100, value: 50), prior, 1).Value, 45, 50);
    }

    [Fact]
    public void Without_engagements_the_arms_are_ranked_on_their_conversions_alone()
    {
        var a = Arm("a", 1000, 0, 10);
        var b = Arm("b", 1000, 0, 10);
        var prior = Prior(a, b);

        Assert.Null(prior.Engagement);
        Assert.Equal(ArmPosterior.Of(a, prior, 1).Mean, ArmPosterior.Of(b, prior, 1).Mean, 12);
    }

    [Fact]
    public void Arms_that_convert_their_engagements_alike_are_told_apart_by_their_engagements()
    {
        // The same ten conversions each, but a's customers came back 200 times and b's 160: a's conversions per
        // engagement look like b's (Cochran's Q 0.25 for one degree of freedom), so the pooled rate stands for both
        // and a is worth what its engagements are worth over b's (≈ 200/160), ten conversions each notwithstanding.
        var a = Arm("a", 1000, 200, 10);
        var b = Arm("b", 1000, 160, 10);
        var prior = Prior(a, b);

        var (ma, mb) = (ArmPosterior.Of(a, prior, 1), ArmPosterior.Of(b, prior, 1));

        Assert.NotNull(prior.Engagement);
        Assert.Equal(double.PositiveInfinity, prior.Engagement.ConversionStrength);
        var (ea, eb) = ((200 + prior.Engagement.RateStrength * prior.Engagement.Rate) / (1000 + prior.Engagement.RateStrength),
            (160 + prior.Engagement.RateStrength * prior.Engagement.Rate) / (1000 + prior.Engagement.RateStrength));
        Assert.Equal(ea / eb, ma.Mean / mb.Mean, 9);
        Assert.True(ma.Mean - mb.Mean > 2 * Math.Sqrt(ma.MeanSpread * ma.MeanSpread + mb.MeanSpread * mb.MeanSpread),
            $"{ma.Mean} ± {ma.MeanSpread} vs {mb.Mean} ± {mb.MeanSpread}");
    }

    [Fact]
    public void An_arm_whose_engagements_do_not_convert_leaves_the_pool_as_its_conversions_show_it()
    {
        // b draws three times a's engagements and a tenth of its conversions: ranked on engagement alone it would win.
        var a = Arm("a", 5000, 500, 100);
        var b = Arm("b", 5000, 1500, 10);
        var prior = Prior(a, b);

        Assert.True(ArmPosterior.Of(a, prior, 1).Mean > 5 * ArmPosterior.Of(b, prior, 1).Mean);
    }

    [Fact]
    public void Evidence_that_did_not_track_engagement_leaves_the_campaign_on_its_conversions()
    {
        // A prior test that reported conversions but no engagements beside an arm that tracked them.
        var tested = Arm("a", 10_000, 0, 100);
        var tracked = Arm("b", 1000, 150, 10);

        Assert.Null(Prior(tested, tracked).Engagement);
    }

    [Fact]
    public void Engagements_counted_in_parts_are_the_engagements_counted_at_once()
    {
        var accumulator = new ArmAccumulator("a", 1);
        accumulator.Trial([1]);
        accumulator.Engagement();
        var first = accumulator.Take();
        accumulator.Engagement();

        Assert.False(accumulator.IsEmpty);
        Assert.Equal(2, first.Plus(accumulator.Take()).Engagements);
        Assert.True(accumulator.IsEmpty);
    }
}
