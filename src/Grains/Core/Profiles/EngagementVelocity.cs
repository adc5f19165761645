namespace MarketingActors.Core.Profiles;

/// <summary>
/// Engagement velocity compares the short-horizon engagement rate with the long-horizon one:
///
///   rate_h   = E_h(now) / τ_h            (decayed engagement count over mean lifetime, events/hour)
///   velocity = log2((rate_24h + α) / (rate_30d + α)),   α = 1 / 720 events/hour (one a month)
///
/// 0 means the customer engages at their usual pace, +1 twice as much as usual in the last day,
/// −1 half as much. α keeps brand-new and long-dormant customers near 0 instead of ±∞.
/// </summary>
public static class EngagementVelocity
{
    public const int ShortHorizon = 1;
    public const int LongHorizon = 3;
    public const double SmoothingRatePerHour = 1.0 / 720;

    public static double Compute(DecayedCounters engagement, DateTimeOffset at)
    {
        var shortRate = engagement.ValueAt(ShortHorizon, at) / DecayedCounters.MeanLifetimeHours(ShortHorizon);
        var longRate = engagement.ValueAt(LongHorizon, at) / DecayedCounters.MeanLifetimeHours(LongHorizon);
        return Math.Log2((shortRate + SmoothingRatePerHour) / (longRate + SmoothingRatePerHour));
    }
}
