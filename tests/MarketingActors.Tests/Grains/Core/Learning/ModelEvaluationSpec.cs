using CsCheck;
using MarketingActors.Core.Learning;

namespace MarketingActors.Tests.Grains.Core.Learning;

public sealed class ModelEvaluationSpec
{
    [Fact]
    public void Auc_counts_the_share_of_positive_negative_pairs_ranked_right_with_ties_as_half()
    {
        // Pairs (positive, negative): (0.8,0.1) right, (0.8,0.4) right, (0.4,0.1) right, (0.4,0.4) tie.
        var auc = ModelEvaluation.Auc([0.8, 0.4, 0.4, 0.1], [true, true, false, false]);

        Assert.Equal(3.5 / 4, auc, 12);
    }

    [Fact]
    public void Auc_is_undefined_without_both_classes()
    {
        Assert.True(double.IsNaN(ModelEvaluation.Auc([0.1, 0.2], [true, true])));
    }

    [Fact]
    public void Auc_is_one_minus_the_auc_of_the_reversed_scores()
    {
        Gen.Select(Gen.Double[0, 1].Array[4, 60], Gen.Int).Sample((scores, seed) =>
        {
            var random = new Random(seed);
            var labels = scores.Select(_ => random.Next(2) == 0).ToArray();
            labels[0] = true;
            labels[1] = false;
            var auc = ModelEvaluation.Auc(scores, labels);
            var reversed = ModelEvaluation.Auc([.. scores.Select(s => -s)], labels);
            Assert.Equal(1, auc + reversed, 9);
        });
    }

    [Fact]
    public void A_perfectly_calibrated_constant_has_brier_p_times_one_minus_p_and_one_reliability_bin()
    {
        var labels = Enumerable.Range(0, 100).Select(i => i < 20).ToArray();
        var scores = labels.Select(_ => 0.2).ToArray();

        var metrics = ModelEvaluation.Evaluate(scores, labels);

        Assert.Equal(0.16, metrics.Brier, 9);
        Assert.Equal(-(0.2 * Math.Log(0.2) + 0.8 * Math.Log(0.8)), metrics.LogLoss, 9);
        var bin = Assert.Single(metrics.Reliability);
        Assert.Equal(0.2, bin.ObservedRate, 9);
        Assert.Equal(100, bin.Count);
        Assert.Equal(20, metrics.HoldoutPositives);
    }

    [Fact]
    public void Psi_is_near_zero_for_the_same_distribution_and_large_for_a_shifted_one()
    {
        var random = new Random(9);
        var training = Enumerable.Range(0, 20_000).Select(_ => random.NextDouble() * 0.5).ToArray();
        var reference = ScoreReference.Of(training);
        var same = Enumerable.Range(0, 20_000).Select(_ => random.NextDouble() * 0.5).ToArray();
        var shifted = Enumerable.Range(0, 20_000).Select(_ => 0.3 + random.NextDouble() * 0.5).ToArray();

        Assert.True(reference.Psi(same) < 0.01, $"PSI same {reference.Psi(same):F4}");
        Assert.True(reference.Psi(shifted) > 0.25, $"PSI shifted {reference.Psi(shifted):F4}");
    }
}
