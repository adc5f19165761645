using System.ComponentModel.DataAnnotations;

namespace MarketingActors.Ingestion;

/// <summary>How many rejected events are kept, and how much of each.</summary>
public sealed class QuarantineOptions
{
    public const string Section = "MarketingActors:Quarantine";

    /// <summary>Held events at most; past it the oldest are dropped (and counted). With raw events cut at 8 KB, at most ~16 MB.</summary>
    [Range(1, 100_000)] public int Capacity { get; set; } = 2_000;
}
