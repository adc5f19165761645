using MarketingActors.Campaigns;
using MarketingActors.Core.Decisions;
using MarketingActors.Decisions;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Grains.Core.Decisions;

public sealed class PriorTestEvidenceSpec
{
    private const int D = ArmTrials.Dimension;

    private static readonly PriorTest SpringTest = new()
    {
        Source = "spring A/B test",
        Arms =
        [
            new PriorTestArm { ActionId = "email", Trials = 10_000, Conversions = 300, Revenue = 30_000m },
            new PriorTestArm { ActionId = "push", Trials = 10_000, Conversions = 100, Revenue = 10_000m },
        ],
    };

    [Fact]
    public void A_test_counts_as_that_many_trials_at_the_contexts_constant_only()
    {
        var arm = PriorTestEvidence.Of(SpringTest.Arms[0], weight: 1, D);

        Assert.Equal((10_000L, 300L, 30_000.0), (arm.Trials, arm.Conversions, arm.Revenue));
        Assert.Equal([10_000.0, 0, 0, 0, 0, 0], arm.Gram);
        Assert.Equal([300.0, 0, 0], arm.Moment);
    }

    [Fact]
    public void A_weight_below_one_counts_that_share_of_the_test()
    {
        var arm = PriorTestEvidence.Of(SpringTest.Arms[0], weight: 0.25, D);

        Assert.Equal((2_500L, 75L, 7_500.0), (arm.Trials, arm.Conversions, arm.Revenue));
        Assert.Equal(2_500, arm.Gram[0]);
        Assert.Equal(75, arm.Moment[0]);
    }

    [Fact]
    public void A_test_that_tracked_engagement_brings_its_engagements_and_one_that_did_not_brings_none()
    {
        var tracked = PriorTestEvidence.Of(SpringTest.Arms[0] with { Engagements = 2_000 }, weight: 0.25, D);
        var untracked = PriorTestEvidence.Of(SpringTest.Arms[0], weight: 1, D);

        Assert.Equal(500, tracked.Engagements);
        Assert.Equal(0, untracked.Engagements);
        Assert.Null(PolicyPrior.Pool([untracked], conversionValue: 50, weightPrecision: 10).Engagement);
        Assert.NotNull(PolicyPrior.Pool([tracked], conversionValue: 50, weightPrecision: 10).Engagement);
    }

    [Fact]
    public void Without_a_test_the_campaigns_own_evidence_is_used_as_it_is()
    {
        var own = new Dictionary<string, ArmStatistics> { ["email"] = ArmTrials.Learn("email", _ => 0.03, 100, 1, revenue: 100) };

        Assert.Same(own, PriorTestEvidence.With(own, test: null, D));
    }

    [Fact]
    public void The_test_adds_to_the_campaigns_own_evidence_and_brings_arms_it_has_not_tried()
    {
        var mine = ArmTrials.Learn("email", _ => 0.03, 2_000, 2, revenue: 100);
        var own = new Dictionary<string, ArmStatistics> { ["email"] = mine };

        var all = PriorTestEvidence.With(own, SpringTest, D);

        Assert.Equal(mine.Trials + 10_000, all["email"].Trials);
        Assert.Equal(mine.Conversions + 300, all["email"].Conversions);
        Assert.Equal(mine.Gram[0] + 10_000, all["email"].Gram[0]);
        Assert.Equal(mine.Gram[1], all["email"].Gram[1]);
        Assert.Equal(10_000, all["push"].Trials);
        Assert.Single(own);
    }

    [Fact]
    public void An_arm_known_only_from_the_test_is_believed_at_the_tests_rate_and_value()
    {
        var arms = PriorTestEvidence.With(new Dictionary<string, ArmStatistics>(), SpringTest, D);
        var prior = PolicyPrior.Pool(arms.Values, conversionValue: 50, weightPrecision: 10);

        var email = ArmPosterior.Of(arms["email"], prior, D);
        var push = ArmPosterior.Of(arms["push"], prior, D);

        // 3% × $100 and 1% × $100, shrunk a little towards the pool (2%) and its value.
        Assert.InRange(email.Mean, 2.7, 3.0);
        Assert.InRange(push.Mean, 1.0, 1.2);
        Assert.InRange(email.Predict([1, 0, 0]).Mean, 2.7, 3.0);
        Assert.True(email.Mean - push.Mean > 5 * Math.Sqrt(email.MeanSpread * email.MeanSpread + push.MeanSpread * push.MeanSpread));
    }

    [Fact]
    public void Warm_started_the_policy_sends_what_the_test_showed_best_from_its_first_decision()
    {
        var arms = PriorTestEvidence.With(new Dictionary<string, ArmStatistics>(), SpringTest, D);
        var prior = PolicyPrior.Pool(arms.Values, conversionValue: 50, weightPrecision: 10);
        PolicyArm[] policyArms = [new("email", 0.1), new("push", 0.1)];
        ArmPosterior[] warm = [ArmPosterior.Of(arms["email"], prior, D), ArmPosterior.Of(arms["push"], prior, D)];
        var coldPrior = PolicyPrior.Pool([], conversionValue: 50, weightPrecision: 10);
        ArmPosterior[] cold = [ArmPosterior.Of(new ArmStatistics { ArmId = "email" }, coldPrior, D), ArmPosterior.Of(new ArmStatistics { ArmId = "push" }, coldPrior, D)];
        var random = new Random(7);

        var warmChoice = ContextualPolicy.Choose(policyArms, warm, [1, 0.5, 1], PolicyOptions.Default, random);
        var coldChoice = ContextualPolicy.Choose(policyArms, cold, [1, 0.5, 1], PolicyOptions.Default, random);

        // Only the exploration floor's share is left for push; cold, the two arms are a coin toss.
        Assert.Equal(1 - PolicyOptions.Default.ExplorationFloor / 2, warmChoice.Probabilities[0], 6);
        Assert.InRange(coldChoice.Probabilities[0], 0.2, 0.8);
    }
}
