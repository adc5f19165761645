using System.Globalization;
using MarketingActors.Measurement;

namespace MarketingActors.Core.Agents;

/// <summary>What the budget agent reads of one campaign: whether it is deciding, its incremental ROI from the holdout measurement, and its budget.</summary>
public sealed record CampaignFigures(string CampaignId, bool Active, Interval? IncrementalRoi, long TreatedDecisions, long HoldoutDecisions, decimal Total, decimal Spent, string Currency);

/// <summary>One proposed move of budget, with the figures it rests on and a sentence a person can check.</summary>
public sealed record BudgetMove(string From, string To, decimal Amount, string Rationale, CampaignFigures Donor, CampaignFigures Recipient);

/// <summary>
/// The budget agent's rule, on the holdout measurement only: budget moves from the campaign with
/// the lowest incremental ROI to the one with the highest, in one bounded step, only when their
/// 95% intervals do not overlap (the better one's lower bound above the worse one's upper bound)
/// and both arms of both campaigns hold enough decisions for the intervals to mean something.
/// Equal campaigns (noise only) therefore never move: overlapping intervals are the common case.
/// Campaigns that are not deciding (paused by a person or by the anomaly guard) are left alone.
/// </summary>
public static class BudgetReallocation
{
    public static BudgetMove? Propose(IReadOnlyList<CampaignFigures> campaigns, BudgetAgentRule rule)
    {
        var measured = campaigns
            .Where(c => c.Active && c.IncrementalRoi is not null && c.TreatedDecisions >= rule.MinDecisionsPerArm && c.HoldoutDecisions >= rule.MinDecisionsPerArm)
            .ToList();
        if (measured.Count < 2) return null;
        var best = measured.MaxBy(c => c.IncrementalRoi!.Lower)!;
        var worst = measured.Where(c => c.CampaignId != best.CampaignId && c.Currency == best.Currency).MinBy(c => c.IncrementalRoi!.Upper);
        if (worst is null || best.IncrementalRoi!.Lower <= worst.IncrementalRoi!.Upper) return null;
        var unspent = Math.Max(0, worst.Total - worst.Spent);
        var amount = Math.Round(Math.Min(unspent * rule.StepFraction, rule.MaxStep ?? decimal.MaxValue), 2, MidpointRounding.ToZero);
        if (amount <= 0) return null;
        return new BudgetMove(worst.CampaignId, best.CampaignId, amount, Rationale(best, worst, amount), worst, best);
    }

    private static string Rationale(CampaignFigures best, CampaignFigures worst, decimal amount) => string.Create(CultureInfo.InvariantCulture,
        $"Moved {amount} {best.Currency} from {worst.CampaignId} to {best.CampaignId}: incremental ROI {Pct(best.IncrementalRoi!)} for {best.CampaignId} " +
        $"against {Pct(worst.IncrementalRoi!)} for {worst.CampaignId} (95% intervals from the holdout measurement, {best.TreatedDecisions:N0}/{best.HoldoutDecisions:N0} and " +
        $"{worst.TreatedDecisions:N0}/{worst.HoldoutDecisions:N0} treated/holdout decisions); the intervals do not overlap, so the difference is not noise.");

    private static string Pct(Interval i) => string.Create(CultureInfo.InvariantCulture, $"{i.Estimate:P0} [{i.Lower:P0}, {i.Upper:P0}]");
}

/// <summary>How big a step the agent takes and how much evidence it needs; an admin sets it per campaign group.</summary>
public sealed record BudgetAgentRule
{
    /// <summary>The share of the donor's unspent budget one step moves.</summary>
    public decimal StepFraction { get; init; } = 0.1m;

    /// <summary>An absolute cap on one step (the agent policy's daily limits apply on top, through the change gate).</summary>
    public decimal? MaxStep { get; init; }

    public long MinDecisionsPerArm { get; init; } = 200;
}
