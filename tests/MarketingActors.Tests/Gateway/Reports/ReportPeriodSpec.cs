using MarketingActors.Gateway.Reports;

namespace MarketingActors.Tests.Gateway.Reports;

public sealed class ReportPeriodSpec
{
    private static readonly DateOnly Today = new(2026, 12, 4);

    [Fact]
    public void No_bounds_mean_the_whole_campaign_and_to_defaults_to_today()
    {
        Assert.Equal((null, null), ReportPeriod.Parse(null, null, Today));
        Assert.Equal(new ReportPeriod(new(2026, 12, 1), Today), ReportPeriod.Parse("2026-12-01", null, Today).Period);
        Assert.Equal(new ReportPeriod(new(2026, 11, 1), new(2026, 11, 30)), ReportPeriod.Parse("2026-11-01", "2026-11-30", Today).Period);
    }

    [Theory]
    [InlineData(null, "2026-12-01", "to alone")]
    [InlineData("2026-12-32", null, "is not a day")]
    [InlineData("2026-12-01", "tomorrow", "is not a day")]
    [InlineData("2026-12-03", "2026-12-02", "is after")]
    public void A_pair_that_is_not_a_period_says_why(string? from, string? to, string because)
    {
        var (period, error) = ReportPeriod.Parse(from, to, Today);

        Assert.Null(period);
        Assert.Contains(because, error);
    }
}
