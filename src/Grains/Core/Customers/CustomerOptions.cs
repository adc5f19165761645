using System.ComponentModel.DataAnnotations;
using MarketingActors.Core.Journeys;
using MarketingActors.Core.Profiles;

namespace MarketingActors.Core.Customers;

/// <summary>Trigger thresholds, attribution and persistence cadence of customer grains.</summary>
public sealed class CustomerOptions : IValidatableObject
{
    public const string Section = "MarketingActors:Customers";

    [Range(0.0, 1.0)] public double LikelyToConvertThreshold { get; set; } = 0.5;
    [Range(-20.0, 0.0)] public double VelocityDropThreshold { get; set; } = -1.0;
    [Range(0.0, 1e6)] public double MinEngagementForVelocityDrop { get; set; } = 3.0;
    /// <summary>No engagement for this long makes a customer a cold lead.</summary>
    public TimeSpan ColdLeadAfter { get; set; } = TimeSpan.FromDays(14);
    /// <summary>A conversion without a decision id is credited to the last delivered decision within this window.</summary>
    public TimeSpan AttributionWindow { get; set; } = TimeSpan.FromDays(7);
    /// <summary>State is written after this many applied events, or <see cref="SnapshotInterval"/>, or on deactivation.</summary>
    [Range(1, 100_000)] public int SnapshotEveryEvents { get; set; } = 100;
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>
    /// Whether state is also snapshotted on that cadence when the journal is not durable (embedded
    /// mode). Off by default: a snapshot bounds what a reactivation replays from the journal, and
    /// without one the grain's memory is the state until it deactivates, when it is written anyway.
    /// A multi-silo cluster on in-memory storage (the spec cluster) turns it on, so a silo's death
    /// does not take its customers' state along.
    /// </summary>
    public bool SnapshotWithoutJournal { get; set; }
    [Range(1, 1000)] public int RecentDecisions { get; set; } = 20;
    /// <summary>
    /// Event ids each customer remembers to drop re-sends without a database read. Embedded mode
    /// journals nothing, so an id re-sent after this many newer events is applied again there;
    /// cluster mode's journal refuses a known id of any age.
    /// </summary>
    [Range(16, 100_000)] public int DedupWindow { get; set; } = EventDeduplicator.Window;
    /// <summary>The decision fuse: at most this many acting decisions of one journey per event (validated journeys allow <see cref="JourneyGraph.MaxActionsPerSignal"/>)...</summary>
    [Range(1, 64)] public int MaxJourneyActsPerEvent { get; set; } = JourneyGraph.MaxActionsPerSignal;
    /// <summary>...and per customer per hour; past either the journey exits and its campaign pauses (reason decision_fuse).</summary>
    [Range(1, 100_000)] public int MaxJourneyActsPerHour { get; set; } = 60;

    /// <summary>Made once, on first use after binding: every customer's turn shares it.</summary>
    public TriggerThresholds Thresholds => _thresholds ??= new()
    {
        LikelyToConvert = LikelyToConvertThreshold,
        LikelyToConvertRearm = Math.Max(0, LikelyToConvertThreshold - 0.1),
        VelocityDrop = VelocityDropThreshold,
        VelocityRearm = VelocityDropThreshold / 2,
        MinEngagementForDrop = MinEngagementForVelocityDrop,
        ColdAfter = ColdLeadAfter,
    };

    private TriggerThresholds? _thresholds;

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (ColdLeadAfter <= TimeSpan.Zero) yield return new("ColdLeadAfter must be positive", [nameof(ColdLeadAfter)]);
        if (AttributionWindow <= TimeSpan.Zero) yield return new("AttributionWindow must be positive", [nameof(AttributionWindow)]);
        if (SnapshotInterval <= TimeSpan.Zero) yield return new("SnapshotInterval must be positive", [nameof(SnapshotInterval)]);
    }
}
