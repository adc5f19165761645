using System.Collections.Concurrent;
using MarketingActors.Campaigns;
using MarketingActors.Core.Profiles;
using MarketingActors.Core.Rules;
using MarketingActors.Events;

namespace MarketingActors.Core.Decisions;

/// <summary>
/// The guardrails every candidate must pass before it is ranked: campaign active, audience,
/// consent, frequency caps, quiet hours in the customer's time zone, minimum likelihood, locale.
/// </summary>
public static class Eligibility
{
    private static readonly ConcurrentDictionary<string, TimeZoneInfo> Zones = new(StringComparer.OrdinalIgnoreCase);

    public static List<string> Check(CampaignDefinition campaign, ActionOption action, ScoredCustomer customer)
    {
        var reasons = new List<string>();
        if (campaign.Status != CampaignStatus.Active) reasons.Add(BlockReasons.CampaignInactive);
        if (!RuleEvaluator.Matches(campaign.Audience, customer)) reasons.Add(BlockReasons.AudienceMismatch);
        CheckContact(campaign, action, customer.Profile, customer.At, reasons);
        // Deferring quiet hours let the action be chosen; its delivery waits for the window's end (QuietHoursEnd).
        if (campaign.Guardrails.QuietHours is { Mode: QuietHoursMode.Skip } quiet && InQuietHours(quiet, action.Channel, customer.Profile.TimeZone, customer.At))
            reasons.Add(BlockReasons.QuietHours);
        if (customer.Likelihood < campaign.Guardrails.MinLikelihood) reasons.Add(BlockReasons.BelowMinLikelihood);
        var locale = LocaleMatch(action.Locale, customer.Profile.Locale);
        if (locale < 0) reasons.Add(BlockReasons.LocaleMismatch);
        else if (locale == 0 && IsForbiddenFallback(campaign, action, customer.Profile.Locale)) reasons.Add(BlockReasons.LocaleFallbackNotAllowed);
        if (action.NeedsApproval && action.Approval is null) reasons.Add(BlockReasons.ApprovalRequired);
        return reasons;
    }

    /// <summary>
    /// How well an action's locale fits the customer's: 2 exact (fr-CA/fr-CA), 1 language (fr/fr-CA),
    /// 0 an unlocalized default, −1 no fit. This is the fallback chain fr-CA → fr → default.
    /// </summary>
    public static int LocaleMatch(string? actionLocale, string? customerLocale)
    {
        if (string.IsNullOrEmpty(actionLocale)) return 0;
        if (string.IsNullOrEmpty(customerLocale)) return -1;
        if (string.Equals(actionLocale.Replace('_', '-'), customerLocale.Replace('_', '-'), StringComparison.OrdinalIgnoreCase)) return 2;
        var language = customerLocale.Split('-', '_')[0];
        return string.Equals(actionLocale, language, StringComparison.OrdinalIgnoreCase) ? 1 : -1;
    }

    /// <summary>
    /// The unlocalized copy of a variant that the campaign localizes, offered to a customer with a
    /// locale, is a fallback: allowed only when the campaign says so. A variant without localized
    /// copies is not a fallback for anyone.
    /// </summary>
    public static bool IsForbiddenFallback(CampaignDefinition campaign, ActionOption action, string? customerLocale) =>
        !campaign.AllowLocaleFallback && !string.IsNullOrEmpty(customerLocale) &&
        campaign.Actions.Any(a => !string.IsNullOrEmpty(a.Locale) && a.Channel == action.Channel && a.Variant == action.Variant);

    public static bool InQuietHours(QuietHours? quiet, string channel, string? timeZone, DateTimeOffset at)
    {
        if (quiet is null || quiet.Start == quiet.End) return false;
        var applies = quiet.Channels.Length == 0 ? EventCatalog.OutboundChannels.Contains(channel) : quiet.Channels.Contains(channel);
        if (!applies) return false;
        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, ZoneOf(timeZone)).DateTime);
        return quiet.Start < quiet.End
            ? local >= quiet.Start && local < quiet.End
            : local >= quiet.Start || local < quiet.End;
    }

    /// <summary>
    /// The guardrails a delivery is checked against again when it goes out later than it was
    /// decided (deferred by quiet hours, or retried by an operator): the campaign still active and
    /// not halted (<paramref name="campaign"/> is null otherwise), the action still in it, consent,
    /// and the frequency cap as of now. Audience and scores were the decision's and stay so.
    /// </summary>
    public static List<string> CheckAtSend(CampaignDefinition? campaign, string actionId, BehaviourProfile profile, DateTimeOffset now)
    {
        var reasons = new List<string>();
        var action = campaign?.Actions.FirstOrDefault(a => a.Id == actionId);
        if (campaign is null || action is null)
        {
            reasons.Add(BlockReasons.CampaignInactive);
            return reasons;
        }
        CheckContact(campaign, action, profile, now, reasons);
        if (action.NeedsApproval && action.Approval is null) reasons.Add(BlockReasons.ApprovalRequired);
        return reasons;
    }

    /// <summary>Whether the customer may be contacted on the action's channel at <paramref name="at"/>: marketing consent, and the campaign's frequency cap.</summary>
    private static void CheckContact(CampaignDefinition campaign, ActionOption action, BehaviourProfile profile, DateTimeOffset at, List<string> reasons)
    {
        if (!profile.HasConsent(action.Channel, BehaviourProfile.MarketingPurpose)) reasons.Add(BlockReasons.ConsentMissing);
        if (campaign.Guardrails.FrequencyCaps.TryGetValue(action.Channel, out var cap) && profile.ContactHistory.CountWithin(action.Channel, cap.Window, at) >= cap.Max)
            reasons.Add(BlockReasons.FrequencyCap);
    }

    /// <summary>
    /// When deferring quiet hours end for a decision at <paramref name="at"/>: the next instant the
    /// customer's local clock reads the window's end; null when <paramref name="at"/> is outside the window.
    /// </summary>
    public static DateTimeOffset? QuietHoursEnd(QuietHours? quiet, string channel, string? timeZone, DateTimeOffset at)
    {
        if (quiet is not { Mode: QuietHoursMode.Defer } || !InQuietHours(quiet, channel, timeZone, at)) return null;
        var zone = ZoneOf(timeZone);
        var local = TimeZoneInfo.ConvertTime(at, zone).DateTime;
        var end = local.Date + quiet.End.ToTimeSpan();
        if (end <= local) end = end.AddDays(1);
        // A local end time that a clock change skips (a DST gap) becomes the first minute after the gap.
        while (zone.IsInvalidTime(end)) end = end.AddMinutes(1);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(end, DateTimeKind.Unspecified), zone), TimeSpan.Zero);
    }

    /// <summary>An unknown or missing time zone falls back to UTC rather than blocking the customer.</summary>
    public static TimeZoneInfo ZoneOf(string? id)
    {
        if (string.IsNullOrWhiteSpace(id)) return TimeZoneInfo.Utc;
        return Zones.GetOrAdd(id, static key =>
            TimeZoneInfo.TryFindSystemTimeZoneById(key, out var zone) ? zone : TimeZoneInfo.Utc);
    }
}
