namespace MarketingActors.Core.Campaigns;

/// <summary>
/// Engine-wide bounds on what a campaign may hold. Chosen so that every sum and product the engine
/// forms at decision time (a lease of <c>LeaseUnits</c> × cost, a day's spend, a wait added to a
/// timestamp) stays far inside decimal and DateTimeOffset range: what passes the validator can
/// never overflow later, so overflow is refused at write time rather than failing a decision.
/// </summary>
public static class CampaignLimits
{
    public const int MaxNameLength = 200;
    public const int MaxVariantLength = 200;
    public const int MaxObjectiveLength = 64;
    /// <summary>Per action, in the campaign's currency.</summary>
    public const decimal MaxCost = 1_000_000m;
    public const decimal MaxConversionValue = 1_000_000_000m;
    /// <summary>Total and daily budget envelope.</summary>
    public const decimal MaxBudget = 1_000_000_000_000m;
    public static readonly TimeSpan MinWait = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxWait = TimeSpan.FromDays(366);
    public static readonly TimeSpan MaxCapWindow = TimeSpan.FromDays(366);
    public const int MaxStepIdLength = 64;
    public const int MaxBranches = 16;
    public const int MaxConditions = 32;
    public const int MaxFieldLength = 128;
    public const int MaxValueLength = 1024;
}
