using System.Globalization;
using MarketingActors.Campaigns;
using MarketingActors.Measurement;

namespace MarketingActors.Gateway.Reports;

/// <summary>
/// The period a report covers, as callers name it: <c>from</c> and <c>to</c> as UTC days
/// (yyyy-MM-dd, inclusive); <c>to</c> defaults to today. Neither given: since the campaign started.
/// </summary>
public readonly record struct ReportPeriod(DateOnly From, DateOnly To)
{
    public const string InvalidReason = "invalid_period";

    /// <summary>The period, none (both absent), or why the pair is not one (the text of an <see cref="InvalidReason"/> error).</summary>
    public static (ReportPeriod? Period, string? Error) Parse(string? from, string? to, DateOnly today)
    {
        if (from is null && to is null) return (null, null);
        if (from is null) return (null, "a period needs from (yyyy-MM-dd); to alone is not one");
        if (!TryDay(from, out var first)) return (null, $"from '{from}' is not a day (yyyy-MM-dd)");
        var last = today;
        if (to is not null && !TryDay(to, out last)) return (null, $"to '{to}' is not a day (yyyy-MM-dd)");
        return first > last ? (null, $"from {first:yyyy-MM-dd} is after to {last:yyyy-MM-dd}") : (new ReportPeriod(first, last), null);
    }

    /// <summary><see cref="Parse(string?, string?, DateOnly)"/> against today's UTC day.</summary>
    public static (ReportPeriod? Period, string? Error) Parse(string? from, string? to, TimeProvider clock) =>
        Parse(from, to, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));

    /// <summary>The campaign's report over <paramref name="period"/>, or since it started (live, or its latest scheduled one) without one.</summary>
    public static Task<LiftReport?> Load(ICampaignGrain campaign, ReportPeriod? period, bool latestScheduled) =>
        period is { } p ? campaign.GetPeriodReport(p.From, p.To) : campaign.GetLiftReport(latestScheduled);

    private static bool TryDay(string text, out DateOnly day) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
}
