using MarketingActors.Core.Decisions;
using MarketingActors.Decisions;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Grains.Core.Decisions;

public sealed class ArmPosteriorSpec
{
    private const int D = ArmTrials.Dimension;

    /// <summary>Trials of arm "a" in contexts (1, u, b) (<see cref="ArmTrials"/>), worth 10 each conversion.</summary>
    private static ArmStatistics Learn(Func<double[], double> conversion, int trials, int seed) => ArmTrials.Learn("a", conversion, trials, seed, revenue: 10);

    private static PolicyPrior Prior(params ArmStatistics[] arms) => PolicyPrior.Pool(arms, conversionValue: 10, weightPrecision: 10);

    [Fact]
    public void Without_evidence_an_arm_predicts_the_pooled_rate_at_the_pooled_value_with_a_wide_spread()
    {
        var empty = new ArmStatistics { ArmId = "new" };
        var seasoned = Learn(_ => 0.4, 5_000, 1);
        var prior = Prior(empty, seasoned);

        var (mean, spread) = ArmPosterior.Of(empty, prior, D).Predict([1, 0.5, 1]);

        Assert.Equal(prior.PooledRate * prior.PooledValue, mean, 6);
        Assert.True(spread > ArmPosterior.Of(seasoned, prior, D).Predict([1, 0.5, 1]).Spread * 5);
    }

    [Fact]
    public void With_evidence_the_prediction_follows_the_context_and_narrows()
    {
        // Conversion 0.05 + 0.4·u + 0.3·b at 10 an order: a customer at (0.9, 1) is worth 7.1 a trial, one at (0.1, 0) 0.9.
        double Truth(double[] x) => 0.05 + 0.4 * x[1] + 0.3 * x[2];
        var few = Learn(Truth, 200, 2);
        var many = Learn(Truth, 40_000, 3);
        var prior = Prior(many);

        var (high, highSpread) = ArmPosterior.Of(many, prior, D).Predict([1, 0.9, 1]);
        var (low, _) = ArmPosterior.Of(many, prior, D).Predict([1, 0.1, 0]);

        Assert.InRange(high, 6.9, 7.3);
        Assert.InRange(low, 0.7, 1.1);
        Assert.True(highSpread < ArmPosterior.Of(few, Prior(few), D).Predict([1, 0.9, 1]).Spread / 5);
    }

    [Fact]
    public void The_context_free_mean_is_the_arms_rate_times_its_value_each_shrunk_towards_the_pool()
    {
        // a: 98 conversions in 980 trials at 50 each (5 a trial); b: 50 in 1,000 at 20 (1 a trial).
        var arm = new ArmStatistics { ArmId = "a", Trials = 980, Conversions = 98, Revenue = 98 * 50.0, RevenueSquares = 98 * 2500.0 };
        var other = new ArmStatistics { ArmId = "b", Trials = 1000, Conversions = 50, Revenue = 50 * 20.0, RevenueSquares = 50 * 400.0 };
        var prior = Prior(arm, other);

        var posterior = ArmPosterior.Of(arm, prior, D);

        Assert.Equal(149.0 / 1982, prior.PooledRate, 9);
        Assert.Equal((5900 + 30.0) / 151, prior.PooledValue, 9);
        Assert.True(posterior.Value < 50 && posterior.Value > 45, $"{posterior.Value}");
        Assert.True(posterior.Mean < 5 && posterior.Mean > 4.2, $"{posterior.Mean}");
    }

    [Fact]
    public void Evidence_counted_in_parts_is_the_evidence_counted_at_once()
    {
        var whole = new ArmAccumulator("a", D);
        var first = new ArmAccumulator("a", D);
        var second = new ArmAccumulator("a", D);
        double[][] contexts = [[1, 0.2, 0], [1, 0.7, 1], [1, 0.4, 1]];
        for (var i = 0; i < contexts.Length; i++)
        {
            whole.Trial(contexts[i]);
            whole.Conversion(contexts[i], 10 * i + 1);
            (i < 2 ? first : second).Trial(contexts[i]);
            (i < 2 ? first : second).Conversion(contexts[i], 10 * i + 1);
        }

        var all = whole.Take();
        var parts = first.Take().Plus(second.Take());

        Assert.Equal(all.Gram, parts.Gram);
        Assert.Equal(all.Moment, parts.Moment);
        Assert.Equal((3, 3, 33.0, 1 + 121 + 441.0), (parts.Trials, parts.Conversions, parts.Revenue, parts.RevenueSquares));
        Assert.True(whole.IsEmpty);
    }
}
