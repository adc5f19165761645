using System.Text.RegularExpressions;

namespace MarketingActors.Campaigns;

/// <summary>The shape of campaign (and action) ids, checked by the gateway before a grain is touched and by the validator.</summary>
public static partial class CampaignIds
{
    public const string Rule = "1-64 characters of a-z, 0-9, '_' or '-', starting with a letter or digit";

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex Pattern();

    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);
}
