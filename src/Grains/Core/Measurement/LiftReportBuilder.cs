using MarketingActors.Campaigns;
using MarketingActors.Measurement;

namespace MarketingActors.Core.Measurement;

/// <summary>
/// Turns a campaign's accumulated measurement tallies into its lift report. The holdout arm pools
/// the campaign holdout and the global control: neither received anything from this campaign and
/// both were drawn at random by <see cref="HoldoutDraw"/>, so together they are the counterfactual.
/// </summary>
public static class LiftReportBuilder
{
    public const string AllChannels = "all";

    public static LiftReport Build(CampaignDefinition campaign, IEnumerable<MeasurementTally> tallies, IReadOnlyList<SpendPoint> pacing,
        decimal budgetSpent, DateTimeOffset at, string trigger, (DateOnly From, DateOnly To)? period = null)
    {
        var all = tallies.ToList();
        var channels = all.Select(t => t.Channel).Distinct().Order(StringComparer.Ordinal)
            .Select(ch => Summarize(ch, all.Where(t => t.Channel == ch)))
            .ToArray();
        return new LiftReport
        {
            CampaignId = campaign.Id,
            CampaignName = campaign.Name,
            Currency = campaign.Budget.Currency,
            GeneratedAt = at,
            Trigger = trigger,
            HoldoutPercent = campaign.HoldoutPercent,
            Overall = Summarize(AllChannels, all),
            Channels = channels,
            CrossChannel = LiftStatistics.Dispersion(channels.Select(c =>
                (c.Treated.Conversions, c.Treated.Decisions, c.Holdout.Conversions, c.Holdout.Decisions))),
            BudgetTotal = campaign.Budget.Total,
            BudgetSpent = budgetSpent,
            Pacing = [.. pacing],
            Actions = [.. all.Where(t => t.ActionId is not null).Select(t => t.ActionId!).Distinct().Order(StringComparer.Ordinal)
                .Select(a => Summarize(a, all.Where(t => t.ActionId == a)))],
            PeriodFrom = period?.From,
            PeriodTo = period?.To,
        };
    }

    /// <summary>
    /// The report over the UTC days <paramref name="from"/> to <paramref name="to"/>: the tallies that
    /// reached the campaign on those days, the spend they carry, and the pacing points inside them.
    /// Both arms are counted the same way, so treated vs holdout stays like for like.
    /// </summary>
    public static LiftReport BuildForPeriod(CampaignDefinition campaign, IEnumerable<MeasurementTally> periodTallies, IReadOnlyList<SpendPoint> pacing,
        DateOnly from, DateOnly to, DateTimeOffset at)
    {
        var tallies = periodTallies.ToList();
        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return Build(campaign, tallies, [.. pacing.Where(p => p.Hour >= start && p.Hour < end)], tallies.Sum(t => t.Spend), at, "period", (from, to));
    }

    public static LiftSummary Summarize(string scope, IEnumerable<MeasurementTally> tallies)
    {
        var list = tallies.ToList();
        var treated = Sum(list.Where(t => t.Group == MeasurementGroup.Treated));
        var holdout = Sum(list.Where(t => t.Group != MeasurementGroup.Treated));
        var absolute = LiftStatistics.AbsoluteLift(treated.Conversions, treated.Decisions, holdout.Conversions, holdout.Decisions);
        var revenuePerDecision = LiftStatistics.MeanDifference(
            (double)treated.Revenue, treated.RevenueSquares, treated.Decisions,
            (double)holdout.Revenue, holdout.RevenueSquares, holdout.Decisions);
        var incrementalConversions = absolute is null ? null : LiftStatistics.Scale(absolute, treated.Decisions);
        var incrementalRevenue = revenuePerDecision is null ? null : LiftStatistics.Scale(revenuePerDecision, treated.Decisions);
        var spend = (double)treated.Spend;
        return new LiftSummary
        {
            Scope = scope,
            Treated = Outcome(treated),
            Holdout = Outcome(holdout),
            AbsoluteLift = absolute,
            RelativeLift = LiftStatistics.RelativeLift(treated.Conversions, treated.Decisions, holdout.Conversions, holdout.Decisions),
            IncrementalConversions = incrementalConversions,
            IncrementalRevenue = incrementalRevenue,
            Roi = LiftStatistics.Roi(incrementalRevenue, spend),
            CostPerIncrementalConversion = LiftStatistics.CostPerIncrementalConversion(spend, incrementalConversions),
        };
    }

    private static MeasurementTally Sum(IEnumerable<MeasurementTally> tallies) =>
        tallies.Aggregate(new MeasurementTally { Group = MeasurementGroup.Treated, Channel = AllChannels }, (sum, t) => sum.Plus(t));

    private static ArmOutcome Outcome(MeasurementTally t) => new()
    {
        Decisions = t.Decisions,
        Sends = t.Sends,
        Spend = t.Spend,
        Conversions = t.Conversions,
        Revenue = t.Revenue,
        ConversionRate = t.Decisions > 0 ? (double)t.Conversions / t.Decisions : 0,
        RevenuePerDecision = t.Decisions > 0 ? (double)t.Revenue / t.Decisions : 0,
    };
}
