using System.ComponentModel.DataAnnotations;

namespace MarketingActors.Gateway.Ingestion;

/// <summary>How incoming events are normalised and what the gateway accepts.</summary>
public sealed class TrackingPlanOptions : IValidatableObject
{
    public const string Section = "MarketingActors:TrackingPlan";

    /// <summary>Strict: an event type outside the tracking plan is rejected. Lenient: accepted and counted as unknown.</summary>
    public bool Strict { get; set; } = true;

    /// <summary>Extra aliases, any spelling → canonical type; merged over the built-in table.</summary>
    public Dictionary<string, string> Aliases { get; set; } = new();

    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(90);

    [Range(1, 10_000)] public int MaxBatchEvents { get; set; } = 1000;
    [Range(1024, 64 * 1024 * 1024)] public int MaxBodyBytes { get; set; } = 1024 * 1024;
    [Range(1, 1000)] public int MaxProperties { get; set; } = 64;
    [Range(1, 1_000_000)] public int MaxPropertyValueLength { get; set; } = 2048;
    [Range(1, 1024)] public int MaxIdLength { get; set; } = 128;

    /// <summary>
    /// Events this gateway works on at once (<see cref="IngestionAdmission"/>): what bounds the decisions
    /// held in memory. Four full batches: a silo's cores stay busy with far fewer.
    /// </summary>
    [Range(1, 10_000_000)] public int MaxEventsInFlight { get; set; } = 4_096;

    /// <summary>Events of requests waiting for room past which a request is answered 503 <c>engine_busy</c> (one to three seconds of decided events on two cores).</summary>
    [Range(0, 100_000_000)] public int MaxEventsWaiting { get; set; } = 65_536;

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (MaxFutureSkew < TimeSpan.Zero) yield return new("MaxFutureSkew must not be negative", [nameof(MaxFutureSkew)]);
        if (MaxAge <= TimeSpan.Zero) yield return new("MaxAge must be positive", [nameof(MaxAge)]);
        // A full batch asks for MaxBatchEvents permits at once: fewer in flight and it could never be admitted.
        if (MaxEventsInFlight < MaxBatchEvents) yield return new("MaxEventsInFlight must be at least MaxBatchEvents", [nameof(MaxEventsInFlight), nameof(MaxBatchEvents)]);
        foreach (var (alias, target) in Aliases)
        {
            if (!Events.EventCatalog.IsKnown(target)) yield return new($"Alias '{alias}' points at unknown type '{target}'", [nameof(Aliases)]);
        }
    }
}
