using MarketingActors.Core.Measurement;
using MarketingActors.Decisions;
using MarketingActors.Replay.Synthetic;

namespace MarketingActors.Tests.Grains.Core.Measurement;

public sealed class OffPolicyEstimatorsSpec
{
    /// <summary>Four logged decisions over two arms, the target always picking arm 0: (logged arm, propensity, reward, q̂₀, q̂₁).</summary>
    private static readonly (int Arm, double P, double R, double Q0, double Q1)[] Log =
        [(0, 0.5, 10, 6, 2), (1, 0.5, 0, 6, 2), (0, 0.25, 0, 6, 2), (1, 0.75, 4, 6, 2)];

    private static OffPolicySums Sums()
    {
        var sums = new OffPolicySums { Target = "arm 0" };
        foreach (var (arm, p, r, q0, q1) in Log)
        {
            var w = arm == 0 ? 1 / p : 0;
            var c = q0 - w * (arm == 0 ? q0 : q1);
            sums = sums.Plus(OffPolicySums.Trial("arm 0", w, c, r));
        }
        return sums;
    }

    [Fact]
    public void Ips_snips_and_doubly_robust_match_their_hand_computed_values()
    {
        var estimate = OffPolicyEstimators.Estimate(Sums());

        // IPS: (2·10 + 0 + 4·0 + 0) / 4 = 5.  SNIPS: 20 / (2 + 4) = 3.333…
        // DR terms: 6 + 2·(10 − 6) = 14, 6, 6 + 4·(0 − 6) = −18, 6  →  mean 2.
        Assert.Equal(5, estimate.Ips!.Estimate, 9);
        Assert.Equal(20.0 / 6, estimate.Snips!.Estimate, 9);
        Assert.Equal(2, estimate.DoublyRobust!.Estimate, 9);
        Assert.Equal(36.0 / 20, estimate.EffectiveSampleSize, 9);
        Assert.True(estimate.Ips.Lower < 5 && estimate.Ips.Upper > 5);
    }

    [Fact]
    public void A_late_reward_changes_the_sums_as_if_it_had_been_known_at_the_trial()
    {
        var late = OffPolicySums.Trial("t", 2, 1, -0.1).Plus(OffPolicySums.Change("t", 2, 1, from: -0.1, to: 39.9));

        var known = OffPolicySums.Trial("t", 2, 1, 39.9);

        Assert.Equal(known.Decisions, late.Decisions);
        Assert.Equal(known.WeightedRewards, late.WeightedRewards, 9);
        Assert.Equal(known.WeightedRewardSquares, late.WeightedRewardSquares, 6);
        Assert.Equal(known.DoublyRobustSquares, late.DoublyRobustSquares, 6);
    }

    [Fact]
    public void From_uniformly_logged_decisions_each_estimate_covers_a_fixed_actions_true_value()
    {
        var world = new SyntheticWorld(contextEffects: true);
        var random = new Random(11);
        var sums = new OffPolicySums { Target = "sms" };
        const int sms = 3, n = 40_000;
        double truth = 0;
        for (var i = 0; i < n; i++)
        {
            var customer = SyntheticWorld.Draw(random);
            truth += world.ExpectedValue(customer, sms);
            var logged = random.Next(SyntheticWorld.Actions.Length);
            var reward = world.Respond(customer, logged, random) - SyntheticWorld.Costs[logged];
            var w = logged == sms ? SyntheticWorld.Actions.Length : 0.0;
            // A deliberately crude model (every action worth 1): doubly robust stays unbiased through the propensities.
            sums = sums.Plus(OffPolicySums.Trial("sms", w, 1 - w * 1, reward));
        }
        truth /= n;

        var estimate = OffPolicyEstimators.Estimate(sums);

        foreach (var interval in new[] { estimate.Ips!, estimate.Snips!, estimate.DoublyRobust! })
            Assert.InRange(truth, interval.Lower, interval.Upper);
    }
}
