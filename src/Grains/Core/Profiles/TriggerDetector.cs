namespace MarketingActors.Core.Profiles;

public static class TriggerNames
{
    public const string LikelyToConvert24h = "likely_to_convert_24h";
    public const string VelocityDrop = "velocity_drop";
    public const string ColdLead = "cold_lead";
    public const string LooksLikeHighValue = "looks_like_high_value";

    public static readonly string[] All = [LikelyToConvert24h, VelocityDrop, ColdLead, LooksLikeHighValue];
}

/// <summary>Thresholds of the probabilistic triggers. Each fires on the crossing, then re-arms past a hysteresis band.</summary>
public sealed record TriggerThresholds
{
    public double LikelyToConvert { get; init; } = 0.5;
    public double LikelyToConvertRearm { get; init; } = 0.4;
    public double VelocityDrop { get; init; } = -1.0;
    public double VelocityRearm { get; init; } = -0.5;
    /// <summary>Decayed 30-day engagement a customer needs before a drop means anything.</summary>
    public double MinEngagementForDrop { get; init; } = 3.0;
    public TimeSpan ColdAfter { get; init; } = TimeSpan.FromDays(14);
}

/// <summary>Which triggers are armed; persisted with the customer so a trigger fires once per crossing.</summary>
[GenerateSerializer, Alias("ma.trigger-state")]
public sealed class TriggerState
{
    // Made when a trigger first fires: most customers never cross one.
    [Id(0)] private HashSet<string>? _latched;
    /// <summary>The last engagement a cold-lead trigger fired for; it fires again only after new engagement lapses.</summary>
    [Id(1)] public DateTimeOffset? ColdLeadFiredFor { get; set; }

    /// <summary>Latches the trigger; false when it already was (it fired on an earlier crossing).</summary>
    public bool Latch(string trigger) => (_latched ??= new(StringComparer.Ordinal)).Add(trigger);

    public void Rearm(string trigger) => _latched?.Remove(trigger);
}

/// <summary>Pure crossing detection over the scores computed for each event.</summary>
public static class TriggerDetector
{
    public static List<string> OnScores(TriggerState state, TriggerThresholds t, double likelihood, double velocity, double engagement30d)
    {
        var fired = new List<string>(2);
        Cross(state, fired, TriggerNames.LikelyToConvert24h,
            fire: likelihood >= t.LikelyToConvert, rearm: likelihood < t.LikelyToConvertRearm);
        Cross(state, fired, TriggerNames.VelocityDrop,
            fire: velocity <= t.VelocityDrop && engagement30d >= t.MinEngagementForDrop,
            rearm: velocity > t.VelocityRearm);
        return fired;
    }

    /// <summary>Looks like past high-value customers: fires when similarity to the published prototypes crosses the threshold; re-arms 0.1 below.</summary>
    public static bool OnLookalike(TriggerState state, double similarity, double threshold)
    {
        var fired = new List<string>(1);
        Cross(state, fired, TriggerNames.LooksLikeHighValue, fire: similarity >= threshold && similarity > 0, rearm: similarity < threshold - 0.1);
        return fired.Count > 0;
    }

    /// <summary>Cold lead: engaged once, then nothing for <see cref="TriggerThresholds.ColdAfter"/>. Checked by the customer's timer.</summary>
    public static bool IsColdLead(TriggerState state, TriggerThresholds t, DateTimeOffset? lastEngagement, DateTimeOffset now)
    {
        if (lastEngagement is null || now - lastEngagement.Value < t.ColdAfter) return false;
        if (state.ColdLeadFiredFor == lastEngagement) return false;
        state.ColdLeadFiredFor = lastEngagement;
        return true;
    }

    public static DateTimeOffset? NextColdLeadCheck(TriggerState state, TriggerThresholds t, DateTimeOffset? lastEngagement) =>
        lastEngagement is null || state.ColdLeadFiredFor == lastEngagement ? null : lastEngagement.Value + t.ColdAfter;

    private static void Cross(TriggerState state, List<string> fired, string name, bool fire, bool rearm)
    {
        if (fire && state.Latch(name)) fired.Add(name);
        else if (rearm) state.Rearm(name);
    }
}
