using MarketingActors.Campaigns;
using MarketingActors.Measurement;

namespace MarketingActors.Tests.Grains.Campaigns;

public sealed class CampaignTallyStateSpec
{
    private static readonly DateOnly Monday = new(2026, 11, 30);

    private static TallyReport Report(long decisions, long sequence) => new()
    {
        CampaignId = "spring", Holder = "silo", Sequence = sequence, Decisions = decisions,
        Measurements = [new MeasurementTally { Group = MeasurementGroup.Treated, Channel = "email", ActionId = "offer", Decisions = decisions, Spend = decisions * 0.1m }],
    };

    [Fact]
    public void Counts_each_report_in_the_whole_and_on_the_day_it_arrived()
    {
        var tallies = new CampaignTallyState();

        tallies.Add(Report(3, 1), null, Monday, daysKept: 30);
        tallies.Add(Report(4, 2), null, Monday, daysKept: 30);
        tallies.Add(Report(5, 3), null, Monday.AddDays(1), daysKept: 30);

        Assert.Equal(12, tallies.Measurements.Values.Sum(t => t.Decisions));
        Assert.Equal(7, tallies.MeasurementsBetween(Monday, Monday).Sum(t => t.Decisions));
        Assert.Equal(5, tallies.MeasurementsBetween(Monday.AddDays(1), Monday.AddDays(9)).Sum(t => t.Decisions));
        Assert.Equal(1.2m, tallies.MeasurementsBetween(Monday.AddDays(-5), Monday.AddDays(1)).Sum(t => t.Spend));
        Assert.Empty(tallies.MeasurementsBetween(Monday.AddDays(2), Monday.AddDays(9)));
    }

    [Fact]
    public void Drops_days_older_than_it_keeps_but_never_the_running_total()
    {
        var tallies = new CampaignTallyState();

        tallies.Add(Report(3, 1), null, Monday, daysKept: 2);
        tallies.Add(Report(4, 2), null, Monday.AddDays(1), daysKept: 2);
        tallies.Add(Report(5, 3), null, Monday.AddDays(2), daysKept: 2);

        Assert.Equal([Monday.AddDays(1), Monday.AddDays(2)], tallies.DailyMeasurements.Keys.Order());
        Assert.Equal(12, tallies.Measurements.Values.Sum(t => t.Decisions));
    }
}
