using MarketingActors.Core.Decisions;
using MarketingActors.Decisions;

namespace MarketingActors.Tests.Grains.Core.Decisions;

public sealed class ArmPosteriorSpec
{
    private const int D = 3;

    private static ArmStatistics Learn(Func<double[], double> revenue, int trials, int seed)
    {
        var random = new Random(seed);
        var arm = new ArmAccumulator("a", D);
        for (var i = 0; i < trials; i++)
        {
            double[] x = [1, random.NextDouble(), random.Next(2)];
            arm.Trial(x);
            var r = revenue(x) + random.NextDouble() - 0.5;
            if (r != 0) arm.Revenue(x, r);
        }
        return arm.Take();
    }

    private static PolicyPrior Prior(params ArmStatistics[] arms) => PolicyPrior.Pool(arms, conversionValue: 10, weightPrecision: 10);

    [Fact]
    public void Without_evidence_an_arm_predicts_the_pooled_mean_with_a_wide_spread()
    {
        var empty = new ArmStatistics { ArmId = "new" };
        var seasoned = Learn(_ => 4, 5_000, 1);
        var prior = Prior(empty, seasoned);

        var (mean, spread) = ArmPosterior.Of(empty, prior, D).Predict([1, 0.5, 1]);

        Assert.Equal(prior.PooledMean, mean, 6);
        Assert.True(spread > ArmPosterior.Of(seasoned, prior, D).Predict([1, 0.5, 1]).Spread * 5);
    }

    [Fact]
    public void With_evidence_the_prediction_follows_the_context_and_narrows()
    {
        // Revenue 2 + 6·x₁ + 3·x₂: a customer at x = (0.9, 1) is worth 10.4, one at (0.1, 0) 2.6.
        double Truth(double[] x) => 2 + 6 * x[1] + 3 * x[2];
        var few = Learn(Truth, 200, 2);
        var many = Learn(Truth, 20_000, 3);
        var prior = Prior(many);

        var (high, highSpread) = ArmPosterior.Of(many, prior, D).Predict([1, 0.9, 1]);
        var (low, _) = ArmPosterior.Of(many, prior, D).Predict([1, 0.1, 0]);

        Assert.Equal(10.4, high, 1);
        Assert.Equal(2.6, low, 1);
        Assert.True(highSpread < ArmPosterior.Of(few, Prior(few), D).Predict([1, 0.9, 1]).Spread / 5);
    }

    [Fact]
    public void The_context_free_mean_is_the_arms_revenue_per_trial_shrunk_towards_the_pool()
    {
        var arm = new ArmStatistics { ArmId = "a", Trials = 980, Conversions = 98, Revenue = 980 * 5.0, RevenueSquares = 98 * 2500.0 };
        var other = new ArmStatistics { ArmId = "b", Trials = 1000, Conversions = 50, Revenue = 1000 * 1.0, RevenueSquares = 50 * 400.0 };
        var prior = Prior(arm, other);

        var posterior = ArmPosterior.Of(arm, prior, D);

        Assert.InRange(prior.PooledMean, 2.9, 3.1);
        Assert.True(posterior.Mean < 5 && posterior.Mean > 4.5, $"{posterior.Mean}");
        Assert.Equal(Math.Sqrt(prior.Variance / (980 + prior.Strength)), posterior.MeanSpread, 9);
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
            whole.Revenue(contexts[i], 10 * i + 1);
            (i < 2 ? first : second).Trial(contexts[i]);
            (i < 2 ? first : second).Revenue(contexts[i], 10 * i + 1);
        }

        var all = whole.Take();
        var parts = first.Take().Plus(second.Take());

        Assert.Equal(all.Gram, parts.Gram);
        Assert.Equal(all.Moment, parts.Moment);
        Assert.Equal((3, 3, 33.0, 1 + 121 + 441.0), (parts.Trials, parts.Conversions, parts.Revenue, parts.RevenueSquares));
        Assert.True(whole.IsEmpty);
    }
}
