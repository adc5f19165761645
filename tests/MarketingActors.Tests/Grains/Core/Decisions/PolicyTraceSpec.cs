using MarketingActors.Core.Decisions;
using MarketingActors.Core.Measurement;
using MarketingActors.Decisions;
using MarketingActors.Measurement;

namespace MarketingActors.Tests.Grains.Core.Decisions;

/// <summary>
/// A contextual decision's trace as the off-policy estimates read it. With a campaign holdout the
/// logging process is the policy and the holdout together: every decision outside the global
/// control counts, a held-out one as the control option's treatment, each at the probability the
/// two gave it.
/// </summary>
public sealed class PolicyTraceSpec
{
    /// <summary>E-mail or nothing (the control option), the policy 90/10, a 30% holdout; e-mail was sent.</summary>
    private static readonly PolicyTrace Emailed = new()
    {
        Context = [1f], Arms = ["email", "none"], Probabilities = [0.9f, 0.1f], Predicted = [3f, 1f],
        Chosen = 0, Cost = 0.1, HoldoutShare = 0.3, ControlArm = 1,
    };

    [Fact]
    public void The_control_options_logged_propensity_is_the_holdouts_share_plus_the_policys_share_of_the_rest()
    {
        Assert.Equal(0.7 * 0.9, Emailed.LoggedPropensity(0), 6);
        Assert.Equal(0.3 + 0.7 * 0.1, Emailed.LoggedPropensity(1), 6);
    }

    [Fact]
    public void A_held_out_decision_is_a_trial_of_the_control_option_at_no_cost_and_a_global_control_one_is_none()
    {
        var heldOut = Sums(Emailed.Trials(MeasurementGroup.CampaignHoldout));
        var converted = Sums(Emailed.Converted(40, MeasurementGroup.CampaignHoldout));

        Assert.Equal(1 / 0.37, heldOut["action:none"].Weights, 5);
        Assert.Equal(0, heldOut["action:email"].Weights);
        Assert.Equal(0.1 / 0.37, heldOut["policy"].Weights, 5);
        Assert.Equal(0, heldOut["action:none"].WeightedRewards);
        // Doubly robust for "always nothing": q̂ + w·(r − q̂) = 1 + (0 − 1) / 0.37.
        Assert.Equal(1 - 1 / 0.37, heldOut["action:none"].DoublyRobust, 5);
        Assert.Equal(40 / 0.37, converted["action:none"].WeightedRewards, 4);
        Assert.Empty(Emailed.Trials(MeasurementGroup.GlobalControl));
    }

    [Fact]
    public void A_sent_decision_weighs_by_its_arms_share_of_the_decisions_the_holdout_leaves()
    {
        var sent = Sums(Emailed.Trials(MeasurementGroup.Treated));

        Assert.Equal(1 / 0.63, sent["action:email"].Weights, 5);
        Assert.Equal(-0.1 / 0.63, sent["action:email"].WeightedRewards, 5);
        Assert.Equal(1 / 0.7, sent["policy"].Weights, 5);
        Assert.Equal(0, sent["action:none"].Weights);
    }

    [Fact]
    public void Without_a_control_option_a_held_out_decision_weighs_nothing_and_adds_only_the_models_value()
    {
        var noControl = Emailed with { Arms = ["email", "push"], ControlArm = -1 };

        var heldOut = Sums(noControl.Trials(MeasurementGroup.CampaignHoldout));

        Assert.All(heldOut.Values, s => Assert.Equal(0, s.Weights));
        Assert.Equal(0.9 * 3 + 0.1 * 1, heldOut["policy"].DoublyRobust, 5);
        Assert.Equal(1 / 0.63, Sums(noControl.Trials(MeasurementGroup.Treated))["action:email"].Weights, 5);
    }

    [Fact]
    public void A_trace_recorded_before_held_out_decisions_counted_keeps_to_the_treated_ones_at_the_policys_propensities()
    {
        // Fields a trace did not have read as 0.
        var older = Emailed with { HoldoutShare = 0, ControlArm = 0 };

        Assert.Empty(older.Trials(MeasurementGroup.CampaignHoldout));
        Assert.Equal(1 / 0.9, Sums(older.Trials(MeasurementGroup.Treated))["action:email"].Weights, 5);
        Assert.Equal(1, Sums(older.Trials(MeasurementGroup.Treated))["policy"].Weights, 9);
    }

    [Fact]
    public void With_the_control_option_left_to_the_holdout_the_estimates_find_every_fixed_actions_and_the_policys_true_value()
    {
        // Two kinds of customer, orders worth 10: e-mail sells to 30% of one kind and 10% of the other, push to 10%, nothing to 5%.
        PolicyArm[] arms = [new("email", 0.1), new("push", 0.1), new("none", 0, Control: true)];
        static double Rate(int arm, double x) => arm switch { 0 => x == 1 ? 0.3 : 0.1, 1 => 0.1, _ => 0.05 };
        var random = new Random(21);
        var posteriors = Learned(arms, Rate, random);
        var options = PolicyOptions.Default with { HoldoutShare = 0.3 };
        var sums = new Dictionary<string, OffPolicySums>();
        var truth = new Dictionary<string, double>();
        double policyPicksNothing = 0;
        const int n = 30_000;

        for (var i = 0; i < n; i++)
        {
            double[] x = [1, random.Next(2)];
            var choice = ContextualPolicy.Choose(arms, posteriors, x, options, random);
            var trace = PolicyTrace.Of(choice, arms, x, choice.Chosen, conversionValue: 10, options.HoldoutShare);
            var group = random.NextDouble() < options.HoldoutShare ? MeasurementGroup.CampaignHoldout : MeasurementGroup.Treated;
            var treatment = group == MeasurementGroup.Treated ? choice.Chosen : 2;
            Add(sums, trace.Trials(group));
            if (random.NextDouble() < Rate(treatment, x[1])) Add(sums, trace.Converted(10, group));
            policyPicksNothing += choice.Probabilities[2];
            for (var k = 0; k < arms.Length; k++)
            {
                var value = 10 * Rate(k, x[1]) - arms[k].Cost;
                Accumulate(truth, "action:" + arms[k].ArmId, value / n);
                Accumulate(truth, "policy", choice.Probabilities[k] * value / n);
            }
        }

        // The policy itself almost never picks nothing: what "always nothing" is worth is learned from the holdout.
        Assert.True(policyPicksNothing / n < 0.01, $"the policy picked nothing {policyPicksNothing / n:P2} of the time");
        Assert.Equal(n, sums["policy"].Decisions);
        foreach (var (target, value) in truth)
        {
            var estimate = OffPolicyEstimators.Estimate(sums[target]);
            foreach (var interval in new[] { estimate.Ips!, estimate.Snips!, estimate.DoublyRobust! })
                Assert.InRange(value, interval.Estimate - 2 * (interval.Estimate - interval.Lower), interval.Estimate + 2 * (interval.Upper - interval.Estimate));
        }
    }

    /// <summary>Posteriors after 3,000 trials of each arm on customers of both kinds.</summary>
    private static ArmPosterior[] Learned(PolicyArm[] arms, Func<int, double, double> rate, Random random)
    {
        var accumulators = arms.Select(a => new ArmAccumulator(a.ArmId, 2)).ToArray();
        for (var i = 0; i < 3_000; i++)
        {
            double[] x = [1, random.Next(2)];
            for (var k = 0; k < arms.Length; k++)
            {
                accumulators[k].Trial(x);
                if (random.NextDouble() < rate(k, x[1])) accumulators[k].Conversion(x, 10);
            }
        }
        var stats = accumulators.Select(a => a.Take()).ToArray();
        var prior = PolicyPrior.Pool(stats, conversionValue: 10, weightPrecision: 10);
        return [.. stats.Select(s => ArmPosterior.Of(s, prior, 2))];
    }

    private static Dictionary<string, OffPolicySums> Sums(IEnumerable<OffPolicySums> trials) => Add([], trials);

    private static Dictionary<string, OffPolicySums> Add(Dictionary<string, OffPolicySums> sums, IEnumerable<OffPolicySums> increments)
    {
        foreach (var s in increments) sums[s.Target] = sums.TryGetValue(s.Target, out var sum) ? sum.Plus(s) : s;
        return sums;
    }

    private static void Accumulate(Dictionary<string, double> totals, string key, double value) => totals[key] = totals.GetValueOrDefault(key) + value;
}
