using System.ComponentModel.DataAnnotations;

namespace MarketingActors.Core.Measurement;

/// <summary>The engine-wide control group, the holdout hash salt, and how often campaign reports are generated.</summary>
public sealed class MeasurementOptions : IValidatableObject
{
    public const string Section = "MarketingActors:Measurement";

    /// <summary>Share of all customers who receive nothing from any campaign: the baseline for the whole programme.</summary>
    [Range(0.0, 20.0)] public double GlobalControlPercent { get; set; }

    /// <summary>Salt of the holdout hash. Changing it reshuffles every group, so it is versioned by <see cref="SaltId"/>.</summary>
    [Required, MinLength(8)] public string Salt { get; set; } = "marketing-actors-holdout-v1";

    /// <summary>Recorded on each decision instead of the salt itself.</summary>
    [Required, RegularExpression("^[a-z0-9][a-z0-9_.-]{0,63}$")] public string SaltId { get; set; } = "v1";

    /// <summary>Each campaign grain regenerates its lift report this often while active.</summary>
    public TimeSpan ReportEvery { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Scheduled reports kept per campaign, durably (the oldest are dropped): an hour at the default period.</summary>
    [Range(1, 288)] public int ScheduledReportsKept { get; set; } = 12;

    /// <summary>Hourly pacing points kept per campaign (the oldest are dropped): 31 days by default.</summary>
    [Range(1, 24 * 400)] public int PacingHours { get; set; } = 24 * 31;

    /// <summary>Days of treated/holdout tallies kept per campaign for reports over a period (older days are dropped).</summary>
    [Range(1, 3660)] public int DailyTalliesKept { get; set; } = 400;

    /// <summary>Live customers asked when sizing an audience rule: a census up to this many, a uniform sample beyond.</summary>
    [Range(100, 1_000_000)] public int AudienceSampleSize { get; set; } = 2_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (ReportEvery < TimeSpan.FromSeconds(1)) yield return new("ReportEvery must be at least one second", [nameof(ReportEvery)]);
    }
}
