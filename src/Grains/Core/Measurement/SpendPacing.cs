using MarketingActors.Measurement;
namespace MarketingActors.Core.Measurement;

/// <summary>The bounded hourly series of cumulative spend a campaign keeps for its pacing chart.</summary>
public static class SpendPacing
{
    /// <summary>Sets the point of the hour containing <paramref name="at"/> to the cumulative spend, dropping the oldest beyond <paramref name="keepHours"/>.</summary>
    public static void Record(List<SpendPoint> series, DateTimeOffset at, decimal cumulativeSpend, int keepHours)
    {
        var utc = at.ToUniversalTime();
        var hour = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
        var point = new SpendPoint { Hour = hour, CumulativeSpend = cumulativeSpend };
        if (series.Count > 0 && series[^1].Hour == hour) series[^1] = point;
        else if (series.Count == 0 || series[^1].Hour < hour) series.Add(point);
        if (series.Count > keepHours) series.RemoveRange(0, series.Count - keepHours);
    }

    /// <summary>Spend over the 24 hours before <paramref name="now"/>: the newest point's cumulative spend minus that of the last point a day or more old.</summary>
    public static decimal SpentInLastDay(IReadOnlyList<SpendPoint> series, DateTimeOffset now)
    {
        if (series.Count == 0) return 0;
        var before = series.LastOrDefault(p => p.Hour <= now.AddHours(-24));
        return series[^1].CumulativeSpend - (before?.CumulativeSpend ?? 0);
    }
}
