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
    /// <summary>Recomputes the customer's memberships for the active campaigns; returns the changes to count.</summary>
    public static List<(string CampaignId, AudienceCount Delta)> Update(Dictionary<string, string[]> memberships, IEnumerable<CampaignDefinition> active, ScoredCustomer customer)
    {
        var changes = new List<(string, AudienceCount)>();
        foreach (var campaign in active)
        {
            var now = RuleEvaluator.Matches(campaign.Audience, customer) ? ReachableChannels(campaign, customer.Profile) : null;
            var before = memberships.GetValueOrDefault(campaign.Id);
            if (before is null && now is null || before is not null && now is not null && before.SequenceEqual(now)) continue;
            if (now is null) memberships.Remove(campaign.Id);
            else memberships[campaign.Id] = now;
            changes.Add((campaign.Id, Of(now).Plus(Of(before), sign: -1)));
        }
        return changes;
    }

    /// <summary>The customer leaves every count (erasure, or its profile merged into another).</summary>
    public static List<(string CampaignId, AudienceCount Delta)> Leave(Dictionary<string, string[]> memberships)
    {
        var changes = memberships.Select(m => (m.Key, AudienceCount.None.Plus(Of(m.Value), sign: -1))).ToList();
        memberships.Clear();
        return changes;
    }

    /// <summary>The campaign's channels the customer may be contacted on for marketing, in ordinal order. A loop, not LINQ: it runs on every event.</summary>
    private static string[] ReachableChannels(CampaignDefinition campaign, BehaviourProfile profile)
    {
        var channels = new List<string>(campaign.Actions.Length);
        foreach (var action in campaign.Actions)
        {
            if (!channels.Contains(action.Channel) && profile.HasConsent(action.Channel, BehaviourProfile.MarketingPurpose)) channels.Add(action.Channel);
        }
        channels.Sort(StringComparer.Ordinal);
        return [.. channels];
    }

    private static AudienceCount Of(string[]? channels) => channels is null ? AudienceCount.None : new AudienceCount
    {
        Matching = 1,
        Reachable = channels.Length > 0 ? 1 : 0,
        ReachableByChannel = channels.ToDictionary(c => c, _ => 1L),
    };
}
