using MarketingActors.Campaigns;
using MarketingActors.Core.Profiles;
using MarketingActors.Core.Rules;

namespace MarketingActors.Core.Campaigns;

/// <summary>
/// Keeps audience counts without scanning customers: each customer remembers, per active
/// campaign, whether it matches the audience and on which of the campaign's channels it may be
/// contacted for marketing; when that changes it emits the difference (+1/−1), which its silo adds
/// up and reports with the campaign's other tallies. So a count is the sum of every customer's
/// latest membership, updated on each event (a revocation, an erasure) of that customer.
/// </summary>
public static class AudienceTally
{
    /// <summary>
    /// Recomputes the customer's memberships for the active campaigns; returns the changes to count.
    /// The memberships are made on the first one: a customer in no audience carries none.
    /// </summary>
    public static List<(string CampaignId, AudienceCount Delta)> Update(ref Dictionary<string, string[]>? memberships, IEnumerable<CampaignDefinition> active, ScoredCustomer customer)
    {
        List<(string, AudienceCount)>? changes = null;
        foreach (var campaign in active)
        {
            var before = memberships?.GetValueOrDefault(campaign.Id);
            var now = RuleEvaluator.Matches(campaign.Audience, customer) ? ReachableChannels(campaign, customer.Profile, before) : null;
            if (ReferenceEquals(now, before)) continue;
            if (now is null) memberships!.Remove(campaign.Id);
            else (memberships ??= [])[campaign.Id] = now;
            (changes ??= []).Add((campaign.Id, Of(now).Plus(Of(before), sign: -1)));
        }
        return changes ?? NoChanges;
    }

    /// <summary>Nearly every event changes no membership: one empty list shared by all of them (callers only read it).</summary>
    private static readonly List<(string, AudienceCount)> NoChanges = [];

    /// <summary>The customer leaves every count (erasure, or its profile merged into another).</summary>
    public static List<(string CampaignId, AudienceCount Delta)> Leave(Dictionary<string, string[]>? memberships)
    {
        if (memberships is null) return NoChanges;
        var changes = memberships.Select(m => (m.Key, AudienceCount.None.Plus(Of(m.Value), sign: -1))).ToList();
        memberships.Clear();
        return changes;
    }

    /// <summary>
    /// The campaign's channels the customer may be contacted on for marketing, in ordinal order:
    /// <paramref name="before"/> itself when they are the same, so the common case (nothing
    /// changed) allocates nothing. It runs for every active campaign on every event.
    /// </summary>
    private static string[] ReachableChannels(CampaignDefinition campaign, BehaviourProfile profile, string[]? before)
    {
        var channels = t_channels ??= [];
        channels.Clear();
        foreach (var action in campaign.Actions)
        {
            if (!channels.Contains(action.Channel) && profile.HasConsent(action.Channel, BehaviourProfile.MarketingPurpose)) channels.Add(action.Channel);
        }
        channels.Sort(Ordinal);
        return before is not null && channels.SequenceEqual(before) ? before : [.. channels];
    }

    [ThreadStatic] private static List<string>? t_channels;
    private static readonly Comparison<string> Ordinal = string.CompareOrdinal;

    private static AudienceCount Of(string[]? channels) => channels is null ? AudienceCount.None : new AudienceCount
    {
        Matching = 1,
        Reachable = channels.Length > 0 ? 1 : 0,
        ReachableByChannel = channels.ToDictionary(c => c, _ => 1L),
    };
}
