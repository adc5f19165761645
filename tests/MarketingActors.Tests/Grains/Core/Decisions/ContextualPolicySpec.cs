using MarketingActors.Campaigns;
using MarketingActors.Core.Decisions;
using MarketingActors.Decisions;

namespace MarketingActors.Tests.Grains.Core.Decisions;

public sealed class ContextualPolicySpec
{
    private const int D = 2;
    private static readonly PolicyArm[] Arms = [new("a", 0.1), new("b", 0.1), new("c", 0)];

    /// <summary>
    /// Evidence, orders worth 10 each: arm a converts with probability <paramref name="a"/> / 10 everywhere;
    /// arm b with 0.8 for customers with x₁ = 1 and never otherwise; arm c with 0.05.
    /// </summary>
    private static ArmPosterior[] Evidence(double a, int trials)
    {
        var accumulators = Arms.Select(arm => new ArmAccumulator(arm.ArmId, D)).ToArray();
        var random = new Random(5);
        for (var i = 0; i < trials; i++)
        {
            double[] x = [1, random.Next(2)];
            for (var k = 0; k < Arms.Length; k++)
            {
                accumulators[k].Trial(x);
                var p = k switch { 0 => a / 10, 1 => 0.8 * x[1], _ => 0.05 };
                if (random.NextDouble() < p) accumulators[k].Conversion(x, 10);
            }
        }
        var stats = accumulators.Select(acc => acc.Take()).ToArray();
        var prior = PolicyPrior.Pool(stats, conversionValue: 10, weightPrecision: 10);
        return [.. stats.Select(s => ArmPosterior.Of(s, prior, D))];
    }

    [Fact]
    public void Probabilities_sum_to_one_and_no_arm_falls_below_the_floor()
    {
        var posteriors = Evidence(a: 5, trials: 2_000);
        var random = new Random(1);

        for (var i = 0; i < 200; i++)
        {
            var choice = ContextualPolicy.Choose(Arms, posteriors, [1, i % 2], PolicyOptions.Default, random);
            Assert.Equal(1, choice.Probabilities.Sum(), 9);
            Assert.All(choice.Probabilities, p => Assert.True(p >= PolicyOptions.Default.ExplorationFloor / Arms.Length - 1e-12));
            Assert.Equal(choice.Probabilities[choice.Chosen], choice.Propensity);
        }
    }

    [Fact]
    public void A_control_option_the_holdout_already_tries_gets_no_share_of_the_floor_and_the_other_arms_split_it()
    {
        PolicyArm[] arms = [Arms[0], Arms[1], Arms[2] with { Control = true }];
        // a earns far more than the others: the draws all pick it, so the floor alone decides what b and c get.
        var posteriors = Evidence(a: 5, trials: 2_000);
        var withHoldout = PolicyOptions.Default with { HoldoutShare = 0.3 };
        var random = new Random(6);

        var choice = ContextualPolicy.Choose(arms, posteriors, [1, 0], withHoldout, random);

        var floor = PolicyOptions.Default.ExplorationFloor;
        Close([floor / 2, floor / 2, 0], ContextualPolicy.FloorShares(arms, withHoldout));
        Close([1 - floor / 2, floor / 2, 0], choice.Probabilities);
    }

    [Fact]
    public void A_holdout_smaller_than_the_floors_share_or_no_control_option_leaves_the_floor_even()
    {
        PolicyArm[] withControl = [Arms[0], Arms[1], Arms[2] with { Control = true }];
        var even = PolicyOptions.Default.ExplorationFloor / 3;

        Close([even, even, even], ContextualPolicy.FloorShares(withControl, PolicyOptions.Default with { HoldoutShare = even * 0.9 }));
        Close([even, even, even], ContextualPolicy.FloorShares(Arms, PolicyOptions.Default with { HoldoutShare = 0.3 }));
        Close([0, even * 1.5, even * 1.5], ContextualPolicy.FloorShares([withControl[2], withControl[0], withControl[1]], PolicyOptions.Default with { HoldoutShare = even }));
    }

    private static void Close(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var k = 0; k < expected.Length; k++) Assert.Equal(expected[k], actual[k], 12);
    }

    [Fact]
    public void The_logged_propensity_is_the_frequency_the_decision_is_taken_with()
    {
        // Two arms that nobody knows apart: every decision is a coin toss the propensities must describe.
        var posteriors = Evidence(a: 0.5, trials: 0);
        var random = new Random(2);
        var chosen = new int[Arms.Length];
        var expected = new double[Arms.Length];

        for (var i = 0; i < 20_000; i++)
        {
            var choice = ContextualPolicy.Choose(Arms, posteriors, [1, 0], PolicyOptions.Default, random);
            chosen[choice.Chosen]++;
            for (var k = 0; k < Arms.Length; k++) expected[k] += choice.Probabilities[k];
        }

        for (var k = 0; k < Arms.Length; k++) Assert.InRange(chosen[k], expected[k] * 0.95, expected[k] * 1.05);
    }

    [Fact]
    public void The_best_single_action_is_kept_where_context_says_nothing_clear_and_replaced_where_it_does()
    {
        // a earns 5 a trial everywhere; b earns 8 for customers with x₁ = 1 and nothing for the others.
        var posteriors = Evidence(a: 5, trials: 5_000);
        var random = new Random(3);
        var options = PolicyOptions.Default with { ExplorationFloor = 0 };

        var outside = ContextualPolicy.Choose(Arms, posteriors, [1, 0], options, random);
        var inside = ContextualPolicy.Choose(Arms, posteriors, [1, 1], options, random);

        Assert.Equal(("a", PolicyChoice.Baseline), (Arms[outside.Chosen].ArmId, outside.Reason));
        Assert.Equal(("b", PolicyChoice.Contextual), (Arms[inside.Chosen].ArmId, inside.Reason));
        Assert.True(inside.Probabilities[1] > 0.9);
        Assert.True(outside.PredictedValues[0] > outside.PredictedValues[1]);
    }

    [Fact]
    public void A_contextual_estimate_that_is_better_but_not_clearly_so_does_not_replace_the_best_single_action()
    {
        // After 40 trials b's advantage in its segment (8 vs 7) is within the noise for the safety margin.
        var posteriors = Evidence(a: 7, trials: 40);
        var options = PolicyOptions.Default with { ExplorationFloor = 0 };
        var random = new Random(4);
        var replaced = 0;

        for (var i = 0; i < 500; i++)
            if (ContextualPolicy.Choose(Arms, posteriors, [1, 1], options, random).Reason == PolicyChoice.Contextual) replaced++;

        Assert.True(replaced < 50, $"{replaced} of 500 decisions trusted a contextual estimate inside the margin");
    }

    [Fact]
    public void A_control_option_learns_from_the_holdout_as_well_as_from_its_own_picks()
    {
        var campaign = new CampaignDefinition { Id = "c", ConversionValue = 10 };
        var holdout = new ArmStatistics { ArmId = ArmStatistics.HoldoutArm, Trials = 1_000, Conversions = 10, Revenue = 100 };
        var own = new ArmStatistics { ArmId = "nothing", Trials = 50, Conversions = 1, Revenue = 10 };
        var evidence = VariantEvidence.Of([], [], [holdout, own]);

        var asControl = evidence.PosteriorOf("nothing", campaign, PolicyOptions.Default, control: true);
        var plain = VariantEvidence.Of([], [], [holdout, own]).PosteriorOf("nothing", campaign, PolicyOptions.Default);

        Assert.Equal(1_050, asControl.Trials);
        Assert.Equal(50, plain.Trials);
        Assert.True(asControl.MeanSpread < plain.MeanSpread / 2);
    }

    [Fact]
    public void Campaigns_without_evidence_yet_share_no_posterior()
    {
        var cheap = new CampaignDefinition { Id = "cheap", ConversionValue = 10 };
        var dear = new CampaignDefinition { Id = "dear", ConversionValue = 1_000 };

        var forCheap = VariantEvidence.None.PosteriorOf("email", cheap, PolicyOptions.Default);
        var forDear = VariantEvidence.None.PosteriorOf("email", dear, PolicyOptions.Default);

        Assert.Equal(10, forCheap.Value, 9);
        Assert.Equal(1_000, forDear.Value, 9);
    }
}
