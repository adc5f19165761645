using MarketingActors.Measurement;
namespace MarketingActors.Core.Measurement;

/// <summary>
/// Two-sample statistics of treated vs holdout, all at 95%:
/// <list type="bullet">
/// <item>rates: Wilson score intervals;</item>
/// <item>absolute lift p₁ − p₀: Newcombe's hybrid score interval (method 10, 1998), which stays
/// inside [−1, 1] and behaves with few conversions where the normal (Wald) interval does not;</item>
/// <item>relative lift p₁/p₀ − 1: normal interval on log(p₁/p₀) with the delta-method standard
/// error √(1/k₁ − 1/n₁ + 1/k₀ − 1/n₀), undefined while either arm has no conversion;</item>
/// <item>revenue per decision: difference of means with a normal (Welch) interval from the
/// per-arm sums and sums of squares.</item>
/// </list>
/// </summary>
public static class LiftStatistics
{
    public const double Z95 = 1.959963984540054;

    public static (double Lower, double Upper) Wilson(long successes, long trials, double z = Z95)
    {
        if (trials <= 0) return (0, 1);
        double n = trials, p = successes / n, z2 = z * z;
        var centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        var half = z / (1 + z2 / n) * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>p₁ − p₀ with Newcombe's hybrid score interval; null when an arm is empty.</summary>
    public static Interval? AbsoluteLift(long k1, long n1, long k0, long n0)
    {
        if (n1 <= 0 || n0 <= 0) return null;
        double p1 = (double)k1 / n1, p0 = (double)k0 / n0, d = p1 - p0;
        var (l1, u1) = Wilson(k1, n1);
        var (l0, u0) = Wilson(k0, n0);
        return new Interval
        {
            Estimate = d,
            Lower = d - Math.Sqrt((p1 - l1) * (p1 - l1) + (u0 - p0) * (u0 - p0)),
            Upper = d + Math.Sqrt((u1 - p1) * (u1 - p1) + (p0 - l0) * (p0 - l0)),
        };
    }

    /// <summary>p₁/p₀ − 1 with a log-ratio interval; null until both arms have a conversion.</summary>
    public static Interval? RelativeLift(long k1, long n1, long k0, long n0)
    {
        if (k1 <= 0 || k0 <= 0 || n1 <= 0 || n0 <= 0) return null;
        var logRatio = Math.Log((double)k1 / n1) - Math.Log((double)k0 / n0);
        var se = Math.Sqrt(1.0 / k1 - 1.0 / n1 + 1.0 / k0 - 1.0 / n0);
        return new Interval
        {
            Estimate = Math.Exp(logRatio) - 1,
            Lower = Math.Exp(logRatio - Z95 * se) - 1,
            Upper = Math.Exp(logRatio + Z95 * se) - 1,
        };
    }

    /// <summary>Mean revenue per decision, treated minus holdout, with a Welch normal interval; null when an arm has fewer than 2 decisions.</summary>
    public static Interval? MeanDifference(double sum1, double squares1, long n1, double sum0, double squares0, long n0)
    {
        if (n1 < 2 || n0 < 2) return null;
        double m1 = sum1 / n1, m0 = sum0 / n0;
        var se = Math.Sqrt(SampleVariance(sum1, squares1, n1) / n1 + SampleVariance(sum0, squares0, n0) / n0);
        return new Interval { Estimate = m1 - m0, Lower = m1 - m0 - Z95 * se, Upper = m1 - m0 + Z95 * se };
    }

    /// <summary>The mean of n values from their sum and sum of squares, with its normal 95% interval (n ≥ 2).</summary>
    public static Interval Mean(double sum, double squares, long n)
    {
        var mean = sum / n;
        var se = Math.Sqrt(SampleVariance(sum, squares, n) / n);
        return new Interval { Estimate = mean, Lower = mean - Z95 * se, Upper = mean + Z95 * se };
    }

    private static double SampleVariance(double sum, double squares, long n) => Math.Max(0, (squares - sum * sum / n) / (n - 1));

    /// <summary>A per-decision interval scaled to the treated population (incremental conversions, incremental revenue).</summary>
    public static Interval Scale(Interval perDecision, double factor) => new()
    {
        Estimate = perDecision.Estimate * factor,
        Lower = perDecision.Lower * factor,
        Upper = perDecision.Upper * factor,
    };

    /// <summary>ROI = (incremental revenue − spend) / spend; monotone in revenue, so its interval maps the revenue interval. Null without spend.</summary>
    public static Interval? Roi(Interval? incrementalRevenue, double spend)
    {
        if (incrementalRevenue is null || spend <= 0) return null;
        return new Interval
        {
            Estimate = (incrementalRevenue.Estimate - spend) / spend,
            Lower = (incrementalRevenue.Lower - spend) / spend,
            Upper = (incrementalRevenue.Upper - spend) / spend,
        };
    }

    /// <summary>Spend per incremental conversion; null unless the estimate of incremental conversions is positive.</summary>
    public static double? CostPerIncrementalConversion(double spend, Interval? incrementalConversions) =>
        incrementalConversions is { Estimate: > 0 } c ? spend / c.Estimate : null;

    /// <summary>
    /// Spread of the absolute lift across channels: sample standard deviation of the channel
    /// estimates, and Cochran's Q / I² with inverse-variance weights. The variance of each
    /// estimate uses rates smoothed by half a conversion so a channel without conversions still
    /// has a finite weight. Channels with an empty arm are left out.
    /// </summary>
    public static LiftDispersion Dispersion(IEnumerable<(long K1, long N1, long K0, long N0)> channels)
    {
        var estimates = new List<(double Lift, double Weight)>();
        foreach (var (k1, n1, k0, n0) in channels)
        {
            if (n1 <= 0 || n0 <= 0) continue;
            double s1 = (k1 + 0.5) / (n1 + 1), s0 = (k0 + 0.5) / (n0 + 1);
            var variance = s1 * (1 - s1) / n1 + s0 * (1 - s0) / n0;
            estimates.Add(((double)k1 / n1 - (double)k0 / n0, 1 / variance));
        }
        if (estimates.Count < 2) return new LiftDispersion { Channels = estimates.Count };
        var mean = estimates.Average(e => e.Lift);
        var sd = Math.Sqrt(estimates.Sum(e => (e.Lift - mean) * (e.Lift - mean)) / (estimates.Count - 1));
        var pooled = estimates.Sum(e => e.Weight * e.Lift) / estimates.Sum(e => e.Weight);
        var q = estimates.Sum(e => e.Weight * (e.Lift - pooled) * (e.Lift - pooled));
        var i2 = q > 0 ? Math.Max(0, (q - (estimates.Count - 1)) / q) : 0;
        return new LiftDispersion { Channels = estimates.Count, StandardDeviation = sd, CochranQ = q, ISquared = i2 };
    }
}
