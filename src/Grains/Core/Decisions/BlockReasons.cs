namespace MarketingActors.Core.Decisions;

/// <summary>Machine-readable reasons a candidate action was not taken.</summary>
public static class BlockReasons
{
    public const string CampaignInactive = "campaign_inactive";
    public const string AudienceMismatch = "audience_mismatch";
    public const string ConsentMissing = "consent_missing";
    public const string FrequencyCap = "frequency_cap";
    public const string QuietHours = "quiet_hours";
    public const string BelowMinLikelihood = "below_min_likelihood";
    public const string LocaleMismatch = "locale_mismatch";
    public const string LocaleSuperseded = "locale_superseded";
    public const string LocaleFallbackNotAllowed = "locale_fallback_not_allowed";
    public const string BudgetExhausted = "budget_exhausted";
    public const string LowerExpectedValue = "lower_expected_value";
    public const string ApprovalRequired = "approval_required";
}
