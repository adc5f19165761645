using MarketingActors.Core.Measurement;
using MarketingActors.Measurement;

namespace MarketingActors.Tests.Grains.Core.Measurement;

/// <summary>The hourly series of cumulative spend, and the pace read off it.</summary>
public class SpendPacingSpec
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    private static SpendPoint At(int hoursAgo, decimal cumulative) => new() { Hour = Now.AddHours(-hoursAgo), CumulativeSpend = cumulative };

    [Fact]
    public void The_pace_is_the_spend_of_the_last_24_hours_of_the_series()
    {
        Assert.Equal(0m, SpendPacing.SpentInLastDay([], Now));
        Assert.Equal(30m, SpendPacing.SpentInLastDay([At(5, 10m), At(1, 30m)], Now));
        Assert.Equal(20m, SpendPacing.SpentInLastDay([At(48, 5m), At(30, 10m), At(10, 25m), At(0, 30m)], Now));
    }
}
