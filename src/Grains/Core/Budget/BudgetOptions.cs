using System.ComponentModel.DataAnnotations;

namespace MarketingActors.Core.Budget;

/// <summary>How budget leases are sized and how often silos report back.</summary>
public sealed class BudgetOptions : IValidatableObject
{
    public const string Section = "MarketingActors:Budget";

    /// <summary>How long a silo may spend from a lease before returning what is left.</summary>
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Past expiry + grace, a silent holder's lease is written off.</summary>
    public TimeSpan LeaseGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A lease asks for at least this many actions' worth of budget, so most reservations stay local.</summary>
    [Range(1, 100_000)]
    public int LeaseUnits { get; set; } = 50;

    /// <summary>
    /// ...and for as much as the silo spent from its last lease over this long, so a hot campaign
    /// is leased about once per horizon however fast it decides: every lease is a ledger write and
    /// a record the ledger keeps until the lease closes.
    /// </summary>
    public TimeSpan LeaseHorizon { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most actions' worth one lease asks for, however fast the silo spends.</summary>
    [Range(1, 10_000_000)]
    public int MaxLeaseUnits { get; set; } = 100_000;

    /// <summary>How often each silo reports lease usage and tallies, and refreshes variant posteriors.</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Settled outcomes (deliveries, held-out trials, conversions) after which a silo reports before
    /// its interval is up, so a burst of traffic is not decided on stale posteriors; 0 reports on the interval only.
    /// </summary>
    [Range(0, 1_000_000)]
    public int EvidenceBatch { get; set; } = 500;

    /// <summary>The shortest time between two reports of a silo, however fast evidence arrives.</summary>
    public TimeSpan MinReportGap { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>After a refusal, a silo does not ask the campaign again for this long.</summary>
    public TimeSpan ExhaustedBackoff { get; set; } = TimeSpan.FromSeconds(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (LeaseTtl <= TimeSpan.FromSeconds(1)) yield return new("LeaseTtl must exceed one second", [nameof(LeaseTtl)]);
        if (LeaseGrace < TimeSpan.Zero) yield return new("LeaseGrace must not be negative", [nameof(LeaseGrace)]);
        if (ReportInterval <= TimeSpan.Zero || ReportInterval >= LeaseTtl) yield return new("ReportInterval must be positive and shorter than LeaseTtl", [nameof(ReportInterval)]);
        if (LeaseHorizon <= TimeSpan.Zero || LeaseHorizon >= LeaseTtl) yield return new("LeaseHorizon must be positive and shorter than LeaseTtl", [nameof(LeaseHorizon)]);
        if (MaxLeaseUnits < LeaseUnits) yield return new("MaxLeaseUnits must be at least LeaseUnits", [nameof(MaxLeaseUnits)]);
        if (MinReportGap <= TimeSpan.Zero) yield return new("MinReportGap must be positive", [nameof(MinReportGap)]);
        if (ExhaustedBackoff < TimeSpan.Zero) yield return new("ExhaustedBackoff must not be negative", [nameof(ExhaustedBackoff)]);
    }
}
