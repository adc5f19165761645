using MarketingActors.Campaigns;
using MarketingActors.Core.Profiles;
using MarketingActors.Decisions;

namespace MarketingActors.Core.Decisions;

public sealed record RankedCandidate(ActionOption Action, double Affinity, double SampledLift, double ExpectedValue, double MeanExpectedValue);

/// <summary>Eligible candidates best first, and a verdict for every blocked one.</summary>
public sealed class CandidateRanking
{
    public List<RankedCandidate> Eligible { get; } = [];
    public List<CandidateVerdict> Blocked { get; } = [];
    /// <summary>Set when the contextual policy ranked: its choice is <see cref="Eligible"/>[0].</summary>
    public ContextualRanking? Contextual { get; set; }
}

/// <summary>The contextual policy's answer over the eligible arms, in the order of <see cref="CandidateRanking.Eligible"/>, the holdout's prediction for the same customer and the campaign's holdout share.</summary>
public sealed record ContextualRanking(PolicyChoice Choice, PolicyArm[] Arms, double[] Context, double HoldoutPrediction, double ConversionValue, double HoldoutShare)
{
    /// <summary>The trace of the decision that executed <paramref name="actionId"/> (the policy's choice, or the next affordable one).</summary>
    public PolicyTrace Trace(string actionId) => PolicyTrace.Of(Choice, Arms, Context, Array.FindIndex(Arms, a => a.ArmId == actionId), ConversionValue, HoldoutShare);

    /// <summary>An arm's predicted net value for this customer minus what the holdout predicts without any action.</summary>
    public double UpliftOf(int arm) => Choice.PredictedValues[arm] - HoldoutPrediction;

    /// <summary>The decision's reason: the policy's when its choice was taken, budget_fallback when the budget sent it down the ranking.</summary>
    public string ReasonFor(bool policyChoiceTaken) => !policyChoiceTaken ? "budget_fallback" : Choice.Reason switch
    {
        PolicyChoice.Baseline => "best_single_action",
        PolicyChoice.Contextual => "contextual_uplift",
        _ => "exploration",
    };
}

/// <summary>
/// Picks the next best action. Eligibility first; then each eligible candidate is valued as
///
///   EV = value(variant) × likelihood × affinity(channel) × lift(variant, segment) − cost
///
/// where affinity is the customer's own response rate on the channel (<see cref="ChannelEngagement.Affinity"/>),
/// value is the observed revenue per conversion of the variant (<see cref="SegmentShrinkage.ValuePerConversion"/>)
/// and lift is a Thompson draw θ / m from the variant's posterior in the customer's segment,
/// shrunk towards the variant's campaign-wide posterior, itself shrunk towards the campaign's
/// pooled rate m (<see cref="SegmentShrinkage"/>). Until a variant has evidence its lift hovers
/// around 1, so the customer's channel behaviour decides; as conversions arrive, variants that
/// convert better — in this customer's segment, once the segment has the data — win more draws.
/// A campaign whose <see cref="CampaignDefinition.Policy"/> is contextual is ranked by the
/// <see cref="ContextualPolicy"/> instead, after the same eligibility and locale steps.
/// </summary>
public static class NextBestActionPolicy
{
    public const double PriorStrength = 20;

    /// <summary>
    /// The prior is worth at least this many conversions: at a 1% rate, 20 pseudo-deliveries are
    /// 0.2 of a conversion, so one unlucky streak (0 in 300) buries a variant for good; 3
    /// conversions' worth keeps it explorable until its own evidence is conclusive.
    /// </summary>
    public const double PriorConversions = 3;

    /// <summary>Pseudo-deliveries of the prior at pooled rate m: max(<see cref="PriorStrength"/>, <see cref="PriorConversions"/> / m).</summary>
    public static double PriorStrengthAt(double pooledRate) => Math.Max(PriorStrength, PriorConversions / pooledRate);

    public static CandidateRanking Rank(
        CampaignDefinition campaign,
        IReadOnlyCollection<string> allowedActionIds,
        string? placement,
        ScoredCustomer customer,
        VariantEvidence evidence,
        string? segment,
        Random random)
    {
        var ranking = new CandidateRanking();
        var pooledRate = evidence.PooledRate;
        var shrinkage = campaign.Segments?.Shrinkage ?? 0;
        var passed = new List<ActionOption>();
        foreach (var action in campaign.Actions)
        {
            if (allowedActionIds.Count > 0 && !allowedActionIds.Contains(action.Id)) continue;
            if (!string.Equals(action.Placement, placement, StringComparison.OrdinalIgnoreCase)) continue;
            var reasons = Eligibility.Check(campaign, action, customer);
            if (reasons.Count == 0) passed.Add(action);
            else ranking.Blocked.Add(new CandidateVerdict { ActionId = action.Id, Outcome = CandidateOutcome.Blocked, Reasons = [.. reasons] });
        }

        var candidates = new List<ActionOption>(passed.Count);
        foreach (var action in passed)
        {
            if (Eligibility.LocaleMatch(action.Locale, customer.Profile.Locale) < BestLocaleMatch(passed, action, customer.Profile.Locale))
                ranking.Blocked.Add(new CandidateVerdict { ActionId = action.Id, Outcome = CandidateOutcome.Blocked, Reasons = [BlockReasons.LocaleSuperseded] });
            else candidates.Add(action);
        }
        if (campaign.Policy is { Kind: DecisionPolicy.Contextual } policy)
        {
            if (candidates.Count > 0) RankContextually(ranking, campaign, policy, candidates, customer, evidence, random);
            return ranking;
        }
        foreach (var action in candidates)
        {
            var campaignWide = evidence.Campaign.GetValueOrDefault(action.Id);
            var posterior = SegmentShrinkage.Segment(SegmentShrinkage.Variant(campaignWide, pooledRate), evidence.In(segment, action.Id), shrinkage);
            var lift = ThompsonSampler.SampleBeta(random, posterior.Alpha, posterior.Beta) / pooledRate;
            var meanLift = posterior.Mean / pooledRate;
            var affinity = customer.Profile.AffinityFor(action.Channel);
            var value = SegmentShrinkage.ValuePerConversion(campaign.ConversionValue, campaignWide) * customer.Likelihood * affinity;
            ranking.Eligible.Add(new RankedCandidate(action, affinity, lift,
                value * lift - (double)action.Cost, value * meanLift - (double)action.Cost));
        }
        ranking.Eligible.Sort((a, b) => b.ExpectedValue.CompareTo(a.ExpectedValue));
        return ranking;
    }

    /// <summary>
    /// The contextual policy's ranking: its choice first, then the other candidates by predicted
    /// net value, each candidate's expected value being that prediction for this customer.
    /// </summary>
    private static void RankContextually(CandidateRanking ranking, CampaignDefinition campaign, DecisionPolicy policy, List<ActionOption> candidates,
        ScoredCustomer customer, VariantEvidence evidence, Random random)
    {
        var options = PolicyOptions.Default with
        {
            ExplorationFloor = policy.ExplorationFloor, SafetyMargin = policy.SafetyMargin, HoldoutShare = campaign.HoldoutPercent / 100,
        };
        var arms = candidates.Select(a => new PolicyArm(a.Id, (double)a.Cost, a.Control)).ToArray();
        var posteriors = candidates.Select(a => evidence.PosteriorOf(a.Id, campaign, options, a.Control)).ToArray();
        var context = DecisionContext.Of(customer, policy.Context);
        var choice = ContextualPolicy.Choose(arms, posteriors, context, options, random);
        var order = Enumerable.Range(0, arms.Length).OrderBy(i => i == choice.Chosen ? 0 : 1).ThenByDescending(i => choice.PredictedValues[i]).ToArray();
        foreach (var i in order)
        {
            var value = choice.PredictedValues[i];
            ranking.Eligible.Add(new RankedCandidate(candidates[i], customer.Profile.AffinityFor(candidates[i].Channel), 1, value, value));
        }
        var holdout = evidence.PosteriorOf(ArmStatistics.HoldoutArm, campaign, options).Predict(context).Mean;
        ranking.Contextual = new ContextualRanking(choice, arms, context, holdout, (double)campaign.ConversionValue, options.HoldoutShare);
    }

    /// <summary>The best locale fit among the passed variants of the same channel and variant name as <paramref name="action"/> (itself included).</summary>
    private static int BestLocaleMatch(List<ActionOption> passed, ActionOption action, string? customerLocale)
    {
        var best = int.MinValue;
        foreach (var a in passed)
        {
            if (a.Variant == action.Variant && a.Channel == action.Channel) best = Math.Max(best, Eligibility.LocaleMatch(a.Locale, customerLocale));
        }
        return best;
    }

    /// <summary>Campaign-wide conversion rate per delivery, smoothed so it is never 0 or 1.</summary>
    public static double PooledRate(IEnumerable<VariantPosterior> posteriors)
    {
        long conversions = 0, deliveries = 0;
        foreach (var p in posteriors)
        {
            conversions += p.Conversions;
            deliveries += Math.Max(p.Deliveries, p.Conversions);
        }
        return (conversions + 1.0) / (deliveries + 2.0);
    }

    // Shared by every verdict that gives them: verdicts are immutable, and this runs per candidate of every decision.
    private static readonly string[] BudgetExhaustedReasons = [BlockReasons.BudgetExhausted];
    private static readonly string[] LowerValueReasons = [BlockReasons.LowerExpectedValue];

    /// <summary>
    /// Turns a ranking and the outcome of the budget step into the verdicts a decision carries:
    /// the chosen candidate, those ranked lower, those blocked (including by budget).
    /// </summary>
    public static (CandidateVerdict[] Verdicts, string Reason) Explain(CandidateRanking ranking, int chosenIndex, IReadOnlySet<string> budgetBlocked)
    {
        var verdicts = new List<CandidateVerdict>(ranking.Eligible.Count + ranking.Blocked.Count);
        for (var i = 0; i < ranking.Eligible.Count; i++)
        {
            var c = ranking.Eligible[i];
            var (outcome, reasons) = i == chosenIndex
                ? (CandidateOutcome.Chosen, Array.Empty<string>())
                : budgetBlocked.Contains(c.Action.Id)
                    ? (CandidateOutcome.Blocked, BudgetExhaustedReasons)
                    : (CandidateOutcome.RankedLower, LowerValueReasons);
            verdicts.Add(new CandidateVerdict
            {
                ActionId = c.Action.Id,
                Outcome = outcome,
                Reasons = reasons,
                ExpectedValue = Math.Round(c.ExpectedValue, 6),
                ChannelAffinity = Math.Round(c.Affinity, 6),
                SampledVariantLift = Math.Round(c.SampledLift, 6),
            });
        }
        verdicts.AddRange(ranking.Blocked);

        string reason;
        if (chosenIndex < 0)
            reason = budgetBlocked.Count > 0 ? BlockReasons.BudgetExhausted : "no_eligible_candidate";
        else if (ranking.Eligible.Count == 1)
            reason = "only_eligible_candidate";
        else
        {
            var bestByMean = ranking.Eligible.MaxBy(c => c.MeanExpectedValue)!;
            reason = bestByMean == ranking.Eligible[chosenIndex] ? "highest_expected_value" : "exploration";
        }
        return ([.. verdicts], reason);
    }
}
