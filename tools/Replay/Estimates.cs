using MarketingActors.Core.Measurement;
using MarketingActors.Measurement;

namespace MarketingActors.Replay;

/// <summary>Normal-approximation 95% intervals for the means the replay reports.</summary>
public static class Estimates
{
    public static Interval Mean(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return new Interval { Estimate = double.NaN, Lower = double.NaN, Upper = double.NaN };
        var mean = values.Average();
        var variance = values.Count > 1 ? values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1) : 0;
        var half = LiftStatistics.Z95 * Math.Sqrt(variance / values.Count);
        return new Interval { Estimate = mean, Lower = mean - half, Upper = mean + half };
    }

    public static string Show(Interval i, string format) =>
        $"{i.Estimate.ToString(format, System.Globalization.CultureInfo.InvariantCulture)} [{i.Lower.ToString(format, System.Globalization.CultureInfo.InvariantCulture)}, {i.Upper.ToString(format, System.Globalization.CultureInfo.InvariantCulture)}]";

    public static bool Contains(Interval i, double value) => i.Lower <= value && value <= i.Upper;
}
