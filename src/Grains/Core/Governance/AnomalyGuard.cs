using System.ComponentModel.DataAnnotations;

namespace MarketingActors.Core.Governance;

/// <summary>Thresholds of the automatic pause. Engine-wide; a campaign without a daily budget has no pacing to compare with.</summary>
public sealed class AnomalyOptions : IValidatableObject
{
    public const string Section = "MarketingActors:Anomalies";

    public bool Enabled { get; set; } = true;

    /// <summary>The recent window compared with pacing and with the baseline.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Pause when spend in the window exceeds (daily budget / 24 h × window) × this factor.</summary>
    [Range(1.0, 1000.0)] public double SpendPacingFactor { get; set; } = 3;

    /// <summary>Pause when the window's conversion rate falls below the baseline rate × this ratio.</summary>
    [Range(0.0, 1.0)] public double ConversionCollapseRatio { get; set; } = 0.25;

    /// <summary>Pause when the window's unsubscribe rate (per delivery) exceeds the baseline rate × this factor (and the floor).</summary>
    [Range(1.0, 1000.0)] public double UnsubscribeSpikeFactor { get; set; } = 3;

    /// <summary>Unsubscribe rates at or below this share of deliveries never pause, however low the baseline (0.5 %).</summary>
    [Range(0.0, 1.0)] public double UnsubscribeRateFloor { get; set; } = 0.005;

    /// <summary>Pause when the window's complaint rate exceeds the baseline rate × this factor (and the floor).</summary>
    [Range(1.0, 1000.0)] public double ComplaintSpikeFactor { get; set; } = 3;

    /// <summary>Complaint rates at or below this share of deliveries never pause (0.1 %, mailbox providers act from about 0.3 %).</summary>
    [Range(0.0, 1.0)] public double ComplaintRateFloor { get; set; } = 0.001;

    /// <summary>Deliveries needed, both in the baseline and in the window, before conversion rates are compared (in the window, before opt-out rates are).</summary>
    [Range(1, 1_000_000)] public int MinDeliveries { get; set; } = 200;

    /// <summary>Where pause notifications are POSTed (HMAC-SHA256 signed); none when unset.</summary>
    public Uri? WebhookUrl { get; set; }

    public string? WebhookSecret { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Window <= TimeSpan.Zero || Window > TimeSpan.FromDays(1)) yield return new("Window must be in (0, 1 day]", [nameof(Window)]);
        if (WebhookUrl is not null && (string.IsNullOrEmpty(WebhookSecret) || WebhookSecret.Length < 16))
            yield return new("a WebhookUrl needs a WebhookSecret of at least 16 characters to sign with", [nameof(WebhookSecret)]);
        if (WebhookUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
            yield return new("WebhookUrl must be an absolute http(s) URL", [nameof(WebhookUrl)]);
    }
}

/// <summary>One observation of a campaign's cumulative spend and outcomes, taken when a silo reports.</summary>
[GenerateSerializer, Immutable, Alias("ma.campaign-sample")]
public sealed record CampaignSample(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] decimal Committed,
    [property: Id(2)] long Deliveries,
    [property: Id(3)] long Conversions,
    [property: Id(4)] long Unsubscribes = 0,
    [property: Id(5)] long Complaints = 0);

/// <summary>
/// Decides whether a campaign misbehaves: spending faster than its pacing allows, converting far
/// below its own baseline, or provoking complaints or unsubscribes far above it. Works on
/// cumulative samples, so it needs no per-event state.
/// </summary>
public static class AnomalyGuard
{
    public const int MaxSamples = 256;
    public const string SpendRate = "spend_rate_anomaly";
    public const string ConversionCollapse = "conversion_collapse";
    public const string UnsubscribeSpike = "unsubscribe_spike";
    public const string ComplaintSpike = "complaint_spike";
    /// <summary>A customer's journey hit the decision fuse (too many acting decisions per event or per hour); pauses whatever the other thresholds say.</summary>
    public const string DecisionFuse = "decision_fuse";

    /// <summary>Adds a sample, keeping only what the window (plus one older sample as its start) needs.</summary>
    public static void Record(List<CampaignSample> samples, CampaignSample sample, TimeSpan window)
    {
        samples.Add(sample);
        var firstInWindow = samples.FindIndex(s => s.At >= sample.At - window);
        var drop = Math.Max(firstInWindow - 1, samples.Count - MaxSamples);
        if (drop > 0) samples.RemoveRange(0, drop);
    }

    /// <summary>The anomaly (reason and detail) the latest sample shows, if any. Baseline: the campaign's life before the window.</summary>
    public static (string Reason, string Detail)? Check(IReadOnlyList<CampaignSample> samples, decimal? dailyBudget, AnomalyOptions o)
    {
        if (samples.Count < 2) return null;
        var now = samples[^1];
        // Cumulative at the window's start: also the baseline, i.e. the campaign's whole life before the window.
        var start = samples.LastOrDefault(s => s.At <= now.At - o.Window) ?? samples[0];
        var baseline = start;
        var spent = now.Committed - start.Committed;
        if (dailyBudget is { } daily && daily > 0)
        {
            var allowed = daily / 24m * (decimal)o.Window.TotalHours * (decimal)o.SpendPacingFactor;
            if (spent > allowed) return (SpendRate, $"spent {spent} in {o.Window}; pacing × {o.SpendPacingFactor} allows {decimal.Round(allowed, 4)}");
        }
        var deliveries = now.Deliveries - start.Deliveries;
        if (baseline.Deliveries >= o.MinDeliveries && deliveries >= o.MinDeliveries)
        {
            var baseRate = (double)baseline.Conversions / baseline.Deliveries;
            var rate = (double)(now.Conversions - start.Conversions) / deliveries;
            if (baseRate > 0 && rate < baseRate * o.ConversionCollapseRatio)
                return (ConversionCollapse, $"conversion rate {rate:P2} in the window against a baseline of {baseRate:P2}");
        }
        return Spike(ComplaintSpike, "complaint", s => s.Complaints, o.ComplaintSpikeFactor, o.ComplaintRateFloor)
            ?? Spike(UnsubscribeSpike, "unsubscribe", s => s.Unsubscribes, o.UnsubscribeSpikeFactor, o.UnsubscribeRateFloor);

        // Opt-outs per delivery in the window against the baseline × factor; a young campaign (too
        // little baseline) is held to the floor alone, so a burst right after launch still pauses.
        (string, string)? Spike(string reason, string what, Func<CampaignSample, long> count, double factor, double floor)
        {
            if (deliveries < o.MinDeliveries) return null;
            var rate = (double)(count(now) - count(start)) / deliveries;
            var baseRate = baseline.Deliveries >= o.MinDeliveries ? (double)count(baseline) / baseline.Deliveries : (double?)null;
            var limit = Math.Max(floor, (baseRate ?? 0) * factor);
            if (rate <= limit) return null;
            return (reason, $"{what} rate {rate:P2} in the window" + (baseRate is { } b ? $" against a baseline of {b:P2} × {factor}" : $" above the floor of {floor:P2} (baseline too small to compare)"));
        }
    }
}
