using MarketingActors.Campaigns;
using MarketingActors.Core.Measurement;
using MarketingActors.Measurement;

namespace MarketingActors.Tests.Grains.Core.Measurement;

public sealed class LiftReportBuilderSpec
{
    private static readonly CampaignDefinition Campaign = new() { Id = "spring", Name = "Spring", HoldoutPercent = 10, Budget = new BudgetEnvelope { Total = 1000 } };

    private static MeasurementTally T(MeasurementGroup g, string channel, long decisions, long conversions, decimal revenue = 0, decimal spend = 0) => new()
    {
        Group = g, Channel = channel, Decisions = decisions, Sends = g == MeasurementGroup.Treated ? decisions : 0, Spend = spend,
        Conversions = conversions, Revenue = revenue, RevenueSquares = conversions == 0 ? 0 : (double)(revenue / conversions) * (double)revenue,
    };

    [Fact]
    public void Pools_campaign_holdout_and_global_control_and_reports_each_channel()
    {
        var report = LiftReportBuilder.Build(Campaign,
        [
            T(MeasurementGroup.Treated, "email", 600, 60, 3000, 60),
            T(MeasurementGroup.Treated, "push", 400, 40, 2000, 40),
            T(MeasurementGroup.CampaignHoldout, "email", 300, 15, 750),
            T(MeasurementGroup.GlobalControl, "email", 300, 15, 750),
            T(MeasurementGroup.CampaignHoldout, "push", 400, 20, 1000),
        ], [], 100, DateTimeOffset.UnixEpoch, "on_demand");

        Assert.Equal(1000, report.Overall.Treated.Decisions);
        Assert.Equal(1000, report.Overall.Holdout.Decisions);
        Assert.Equal(50, report.Overall.Holdout.Conversions);
        Assert.Equal(0.05, report.Overall.AbsoluteLift!.Estimate, 9);
        Assert.Equal((2500.0 - 100) / 100, report.Overall.Roi!.Estimate, 9);
        Assert.Equal(["email", "push"], report.Channels.Select(c => c.Scope));
        Assert.Equal(600, report.Channels[0].Holdout.Decisions);
        Assert.Equal(100m, report.Overall.Treated.Spend);
        Assert.Equal(2, report.CrossChannel.Channels);
        Assert.Equal(0, report.CrossChannel.StandardDeviation!.Value, 9);
    }

    [Fact]
    public void A_campaign_without_holdout_decisions_reports_no_lift_rather_than_a_made_up_one()
    {
        var report = LiftReportBuilder.Build(Campaign, [T(MeasurementGroup.Treated, "email", 10, 2, 100, 1)], [], 1, DateTimeOffset.UnixEpoch, "on_demand");

        Assert.Null(report.Overall.AbsoluteLift);
        Assert.Null(report.Overall.Roi);
        Assert.Equal(0.2, report.Overall.Treated.ConversionRate, 9);
    }

    [Fact]
    public void Pacing_keeps_one_point_per_hour_and_drops_the_oldest_beyond_the_bound()
    {
        var series = new List<SpendPoint>();
        var t0 = new DateTimeOffset(2026, 1, 1, 10, 15, 0, TimeSpan.Zero);
        SpendPacing.Record(series, t0, 1, keepHours: 3);
        SpendPacing.Record(series, t0.AddMinutes(30), 2, keepHours: 3);
        for (var h = 1; h <= 4; h++) SpendPacing.Record(series, t0.AddHours(h), 2 + h, keepHours: 3);

        Assert.Equal(3, series.Count);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero), series[0].Hour);
        Assert.Equal(6m, series[^1].CumulativeSpend);
    }

    [Fact]
    public void A_period_report_counts_the_periods_tallies_and_spend_and_keeps_the_pacing_inside_it()
    {
        var from = new DateOnly(2026, 12, 1);
        SpendPoint At(int day, int hour, decimal spend) => new() { Hour = new DateTimeOffset(2026, 12, day, hour, 0, 0, TimeSpan.Zero), CumulativeSpend = spend };

        var report = LiftReportBuilder.BuildForPeriod(Campaign,
            [T(MeasurementGroup.Treated, "email", 100, 10, 500, 12), T(MeasurementGroup.CampaignHoldout, "email", 100, 5, 250)],
            [At(1, 0, 0), At(1, 23, 10), At(2, 0, 20), At(3, 5, 30)], from, from.AddDays(1), DateTimeOffset.UnixEpoch);

        Assert.Equal((from, from.AddDays(1)), (report.PeriodFrom, report.PeriodTo));
        Assert.Equal("period", report.Trigger);
        Assert.Equal(12m, report.BudgetSpent);
        Assert.Equal(0.05, report.Overall.AbsoluteLift!.Estimate, 9);
        Assert.Equal([0m, 10m, 20m], report.Pacing.Select(p => p.CumulativeSpend));
    }
}
