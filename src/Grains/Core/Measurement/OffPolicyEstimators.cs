using MarketingActors.Campaigns;
using MarketingActors.Decisions;
using MarketingActors.Measurement;

namespace MarketingActors.Core.Measurement;

/// <summary>
/// Off-policy value estimates from <see cref="OffPolicySums"/> (Dudík, Langford &amp; Li 2011;
/// Swaminathan &amp; Joachims 2015):
/// <list type="bullet">
/// <item>IPS: mean of w·r; unbiased when every logged propensity is right and positive;</item>
/// <item>SNIPS: Σw·r / Σw; a little biased, far less variable when weights are large;</item>
/// <item>doubly robust: mean of the model's value of the target plus the weighted residual;
/// unbiased if either the propensities or the model are right.</item>
/// </list>
/// Intervals are normal (CLT) on the per-decision terms; SNIPS by the delta method. The effective
/// sample size (Σw)² / Σw² says how many decisions the estimate is really worth.
/// </summary>
public static class OffPolicyEstimators
{
    public static OffPolicyEstimate Estimate(OffPolicySums s)
    {
        var n = s.Decisions;
        if (n < 2) return new OffPolicyEstimate { Target = s.Target, Decisions = n };
        var ips = LiftStatistics.Mean(s.WeightedRewards, s.WeightedRewardSquares, n);
        var dr = LiftStatistics.Mean(s.DoublyRobust, s.DoublyRobustSquares, n);
        Interval? snips = null;
        if (s.Weights > 0)
        {
            var v = s.WeightedRewards / s.Weights;
            // Σ w²(r − V)² = Σw²r² − 2V·Σw²r + V²·Σw²
            var residual = Math.Max(s.WeightedRewardSquares - 2 * v * s.SquaredWeightRewards + v * v * s.WeightSquares, 0);
            var se = Math.Sqrt(residual) / s.Weights;
            snips = new Interval { Estimate = v, Lower = v - LiftStatistics.Z95 * se, Upper = v + LiftStatistics.Z95 * se };
        }
        var ess = s.WeightSquares > 0 ? s.Weights * s.Weights / s.WeightSquares : 0;
        return new OffPolicyEstimate { Target = s.Target, Decisions = n, Ips = ips, Snips = snips, DoublyRobust = dr, EffectiveSampleSize = ess };
    }
}

/// <summary>A campaign's off-policy sums as the report a marketer reads: its policy first, then uniform random, then each fixed action.</summary>
public static class PolicyEvaluations
{
    public const string Policy = "policy", Uniform = "uniform", ActionPrefix = "action:";

    public static PolicyEvaluation Of(CampaignDefinition campaign, IEnumerable<OffPolicySums> sums)
    {
        var estimates = sums.Select(OffPolicyEstimators.Estimate)
            .OrderBy(e => e.Target == Policy ? 0 : e.Target == Uniform ? 1 : 2).ThenBy(e => e.Target, StringComparer.Ordinal).ToArray();
        var best = estimates.Where(e => e.Target.StartsWith(ActionPrefix, StringComparison.Ordinal) && e.DoublyRobust is not null)
            .MaxBy(e => e.DoublyRobust!.Estimate);
        return new PolicyEvaluation
        {
            CampaignId = campaign.Id,
            Currency = campaign.Budget.Currency,
            Estimates = estimates,
            BestFixedAction = best?.Target[ActionPrefix.Length..],
        };
    }
}
