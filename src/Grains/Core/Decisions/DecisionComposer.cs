using MarketingActors.Campaigns;
using MarketingActors.Core.Profiles;
using MarketingActors.Decisions;
using MarketingActors.Measurement;

namespace MarketingActors.Core.Decisions;

/// <summary>A decision as answered, with the candidate taken and, for a held-out customer, the one that would have been.</summary>
public sealed record ComposedDecision(Decision Decision, RankedCandidate? Picked, RankedCandidate? WouldHave, bool HeldOut, string? Segment, PolicyTrace? Policy = null)
{
    /// <summary>The candidate whose channel the decision is measured and attributed on.</summary>
    public RankedCandidate? Measured => Picked ?? WouldHave;
}

/// <summary>
/// Turns a ranking, the holdout draw and the outcome of the budget step into the decision the
/// customer grain answers and remembers. Pure, so the grain and the per-event benchmark share it.
/// </summary>
public static class DecisionComposer
{
    /// <summary>Held out after the same eligibility and ranking as everyone else, and only when there was something to withhold.</summary>
    public static bool IsHeldOut(HoldoutAssignment holdout, CandidateRanking ranking) => holdout.IsHeldOut && ranking.Eligible.Count > 0;

    /// <param name="chosen">
    /// Index of the candidate the budget step settled on, for treated and held-out customers alike
    /// (the holdout checks affordability without reserving); -1 when none was affordable, and then
    /// a held-out customer is an ordinary "no action" decision just like a treated one.
    /// </param>
    /// <param name="segment">The customer's segment for the campaign's variant learning (<see cref="SegmentKey"/>).</param>
    public static ComposedDecision Compose(
        string customerId,
        CampaignDefinition campaign,
        JourneyStep? step,
        string? placement,
        ScoredCustomer customer,
        CandidateRanking ranking,
        HoldoutAssignment holdout,
        int chosen,
        IReadOnlySet<string> budgetBlocked,
        string? trigger,
        string? segment)
    {
        var heldOut = IsHeldOut(holdout, ranking) && chosen >= 0;
        var (verdicts, reason) = NextBestActionPolicy.Explain(ranking, chosen, budgetBlocked);
        var picked = !heldOut && chosen >= 0 ? ranking.Eligible[chosen] : null;
        var wouldHave = heldOut ? ranking.Eligible[chosen] : null;
        var trace = ranking.Contextual is { } c && chosen >= 0 ? c.Trace(ranking.Eligible[chosen].Action.Id) : null;
        var decision = new Decision
        {
            DecisionId = Guid.CreateVersion7().ToString("N"),
            CustomerId = customerId,
            CampaignId = campaign.Id,
            JourneyStepId = step?.Id,
            Placement = placement,
            Action = ChosenOf(picked, campaign),
            WouldHaveSent = ChosenOf(wouldHave, campaign),
            Holdout = holdout,
            Scores = new DecisionScores
            {
                ConversionLikelihood = Math.Round(customer.Likelihood, 6),
                EngagementVelocity = Math.Round(customer.Velocity, 6),
                ExpectedValue = Math.Round((picked ?? wouldHave)?.ExpectedValue ?? 0, 6),
                Propensity = trace?.Logged(holdout.Group) is { } logged ? Math.Round(trace.LoggedPropensity(logged.Arm), 6) : null,
                PredictedUplift = trace is null ? null : Math.Round(ranking.Contextual!.UpliftOf(trace.Chosen), 6),
            },
            ModelVersion = customer.ModelVersion,
            Candidates = verdicts,
            Reason = heldOut ? "holdout" : ranking.Contextual is { } policy && chosen >= 0 ? policy.ReasonFor(chosen == 0) : reason,
            Trigger = trigger,
            DecidedAt = customer.At,
        };
        return new ComposedDecision(decision, picked, wouldHave, heldOut, segment, trace);
    }

    private static ChosenAction? ChosenOf(RankedCandidate? candidate, CampaignDefinition campaign) => candidate is null ? null : new ChosenAction
    {
        ActionId = candidate.Action.Id,
        Channel = candidate.Action.Channel,
        Variant = candidate.Action.Variant,
        Locale = candidate.Action.Locale,
        Cost = candidate.Action.Cost,
        Currency = campaign.Budget.Currency,
    };
}
