using System.Globalization;
using MarketingActors.Core.Measurement;
using MarketingActors.Measurement;

namespace MarketingActors.Core.Agents;

/// <summary>
/// What the budget agent reads of one campaign: whether it is deciding, its incremental ROI from the
/// holdout measurement (over <see cref="RoiWindow"/>), its budget and how fast it has been spending it.
/// </summary>
public sealed record CampaignFigures(string CampaignId, bool Active, Interval? IncrementalRoi, long TreatedDecisions, long HoldoutDecisions, decimal Total, decimal Spent, string Currency)
{
    /// <summary>Which decisions the ROI interval covers: the recent days when they hold enough evidence (closest to the marginal return), else the whole campaign.</summary>
    public string RoiWindow { get; init; } = BudgetReallocation.SinceStart;

    /// <summary>Confirmed spend over the last 24 hours (the campaign's pace).</summary>
    public decimal SpentLastDay { get; init; }

    public decimal? DailyCap { get; init; }

    public decimal Unspent => Math.Max(0, Total - Spent);
}

/// <summary>One proposed move of budget, with the figures it rests on and a sentence a person can check.</summary>
/// <param name="RecipientDailyCap">The recipient's new daily cap when that cap is what holds its pace (raised in proportion to its total); null leaves it.</param>
public sealed record BudgetMove(string From, string To, decimal Amount, string Rationale, CampaignFigures Donor, CampaignFigures Recipient, decimal? RecipientDailyCap = null);

/// <summary>The outcome of one look: a move, or why there is none (with a sentence when a clear difference was left alone).</summary>
public sealed record BudgetLook(string Outcome, BudgetMove? Move = null, string? Rationale = null)
{
    public const string Moving = "move", NoClearDifference = "no_clear_difference", NotShortOfBudget = "not_short_of_budget";
}

/// <summary>
/// The budget agent's rule, on the holdout measurement and the campaigns' pacing: budget moves from
/// the campaign with the lowest incremental ROI to the one with the highest, in one bounded step,
/// only when their 95% intervals do not overlap (the better one's lower bound above the worse one's
/// upper bound), both arms of both campaigns hold enough decisions for the intervals to mean
/// something, and the better one can spend the money: at its pace of the last 24 hours its budget
/// runs out within the runway, or its daily cap is what holds it back (then the cap rises in
/// proportion). Money given to a campaign that is not spending what it has buys nothing.
/// Equal campaigns (noise only) never move: overlapping intervals are the common case.
/// Campaigns that are not deciding (paused by a person or by the anomaly guard) are left alone.
/// </summary>
public static class BudgetReallocation
{
    public const string SinceStart = "since the start";

    /// <summary>Share of the daily cap spent in the last 24 hours from which the cap, not the total, is taken to hold the campaign back.</summary>
    public const decimal CapBinding = 0.9m;

    public static BudgetLook Look(IReadOnlyList<CampaignFigures> campaigns, BudgetAgentRule rule)
    {
        var measured = campaigns
            .Where(c => c.Active && c.IncrementalRoi is not null && c.TreatedDecisions >= rule.MinDecisionsPerArm && c.HoldoutDecisions >= rule.MinDecisionsPerArm)
            .ToList();
        var clear = measured
            .Select(better => (Better: better, Worse: WorstBelow(better, measured)))
            .Where(p => p.Worse is not null)
            .OrderByDescending(p => p.Better.IncrementalRoi!.Lower)
            .ToList();
        if (clear.Count == 0) return new BudgetLook(BudgetLook.NoClearDifference);
        foreach (var (better, worse) in clear)
        {
            if (!ShortOfBudget(better, rule)) continue;
            var amount = Math.Round(Math.Min(worse!.Unspent * rule.StepFraction, rule.MaxStep ?? decimal.MaxValue), 2, MidpointRounding.ToZero);
            if (amount <= 0) continue;
            var cap = CapHolds(better) ? Math.Round(better.DailyCap!.Value * (better.Total + amount) / better.Total, 2, MidpointRounding.ToZero) : (decimal?)null;
            return new BudgetLook(BudgetLook.Moving, new BudgetMove(worse.CampaignId, better.CampaignId, amount, Rationale(better, worse, amount, cap), worse, better, cap));
        }
        var (best, worst) = clear[0];
        return new BudgetLook(BudgetLook.NotShortOfBudget, Rationale: string.Create(CultureInfo.InvariantCulture,
            $"Nothing moved: {best.CampaignId}'s incremental ROI {Pct(best.IncrementalRoi!)} is clearly above {worst!.CampaignId}'s {Pct(worst.IncrementalRoi!)}, " +
            $"but it spent {best.SpentLastDay} {best.Currency} in the last 24 hours and its unspent {best.Unspent} lasts {Runway(best)} at that pace " +
            $"(more than {rule.RunwayDays} days), so more budget would not be spent."));
    }

    /// <summary>
    /// A campaign's figures from its whole-campaign report and the report of its recent days: the
    /// recent ROI when both arms there hold <paramref name="minDecisionsPerArm"/> decisions (what the
    /// latest money bought, the closest the holdout gets to a marginal return), else the whole one.
    /// </summary>
    public static CampaignFigures Figures(string campaignId, bool active, LiftReport whole, LiftReport? recent, int recentDays, decimal total, decimal? dailyCap,
        long minDecisionsPerArm, DateTimeOffset now)
    {
        var useRecent = recent is { Overall: var r } && r.Roi is not null && r.Treated.Decisions >= minDecisionsPerArm && r.Holdout.Decisions >= minDecisionsPerArm;
        var summary = useRecent ? recent!.Overall : whole.Overall;
        return new CampaignFigures(campaignId, active, summary.Roi, summary.Treated.Decisions, summary.Holdout.Decisions, total, whole.BudgetSpent, whole.Currency)
        {
            RoiWindow = useRecent ? $"the last {recentDays} days" : SinceStart,
            SpentLastDay = SpendPacing.SpentInLastDay(whole.Pacing, now),
            DailyCap = dailyCap,
        };
    }

    private static CampaignFigures? WorstBelow(CampaignFigures better, IEnumerable<CampaignFigures> measured) =>
        measured.Where(c => c.CampaignId != better.CampaignId && c.Currency == better.Currency && c.IncrementalRoi!.Upper < better.IncrementalRoi!.Lower)
            .MinBy(c => c.IncrementalRoi!.Upper);

    private static bool ShortOfBudget(CampaignFigures c, BudgetAgentRule rule) =>
        c.Unspent == 0 || CapHolds(c) || (c.SpentLastDay > 0 && c.Unspent / c.SpentLastDay <= (decimal)rule.RunwayDays);

    private static bool CapHolds(CampaignFigures c) => c.DailyCap is { } cap && cap > 0 && c.Total > 0 && c.SpentLastDay >= CapBinding * cap;

    private static string Runway(CampaignFigures c) =>
        c.SpentLastDay > 0 ? string.Create(CultureInfo.InvariantCulture, $"{c.Unspent / c.SpentLastDay:0.#} days") : "indefinitely";

    private static string Rationale(CampaignFigures best, CampaignFigures worst, decimal amount, decimal? cap)
    {
        var pace = cap is { } c
            ? string.Create(CultureInfo.InvariantCulture, $"against its daily cap of {best.DailyCap}, which rises to {c} with the total.")
            : string.Create(CultureInfo.InvariantCulture, $"and its unspent {best.Unspent} lasts {Runway(best)} at that pace, so it can use more.");
        return string.Create(CultureInfo.InvariantCulture,
            $"Moved {amount} {best.Currency} from {worst.CampaignId} to {best.CampaignId}: incremental ROI {Pct(best.IncrementalRoi!)} for {best.CampaignId} " +
            $"({best.RoiWindow}) against {Pct(worst.IncrementalRoi!)} for {worst.CampaignId} ({worst.RoiWindow}) (95% intervals from the holdout measurement, " +
            $"{best.TreatedDecisions:N0}/{best.HoldoutDecisions:N0} and {worst.TreatedDecisions:N0}/{worst.HoldoutDecisions:N0} treated/holdout decisions); " +
            $"the intervals do not overlap, so the difference is not noise. {best.CampaignId} spent {best.SpentLastDay} in the last 24 hours {pace}");
    }

    private static string Pct(Interval i) => string.Create(CultureInfo.InvariantCulture, $"{i.Estimate:P0} [{i.Lower:P0}, {i.Upper:P0}]");
}

/// <summary>How big a step the agent takes, how much evidence it needs and when a campaign can use more money; an admin sets it per campaign group.</summary>
public sealed record BudgetAgentRule
{
    /// <summary>The share of the donor's unspent budget one step moves.</summary>
    public decimal StepFraction { get; init; } = 0.1m;

    /// <summary>An absolute cap on one step (the agent policy's daily limits apply on top, through the change gate).</summary>
    public decimal? MaxStep { get; init; }

    public long MinDecisionsPerArm { get; init; } = 200;

    /// <summary>A campaign whose unspent budget lasts longer than this at its pace of the last 24 hours is not short of money.</summary>
    public double RunwayDays { get; init; } = 14;
}
