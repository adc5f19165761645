using MarketingActors.Core.Profiles;
using MarketingActors.Customers;

namespace MarketingActors.Core.Customers;

/// <summary>Projects a customer's state onto the read model the API serves.</summary>
public static class CustomerViews
{
    public static CustomerView Of(string id, CustomerState s, ScoredCustomer scored) => new()
    {
        CustomerId = id,
        Traits = new(s.Profile.Traits),
        Consent = s.Profile.Consent.Count == 0 ? new() : new(s.Profile.Consent),
        Features = CustomerFeatures.ToDictionary(scored.Features),
        ConversionLikelihood = Math.Round(scored.Likelihood, 6),
        EngagementVelocity = Math.Round(scored.Velocity, 6),
        ModelVersion = scored.ModelVersion,
        Journeys = [.. s.Journeys.Values.OrderBy(j => j.CampaignId).Select(j => new JourneyView
        {
            CampaignId = j.CampaignId,
            StepId = j.StepId,
            Status = j.Status.ToString().ToLowerInvariant(),
            EnteredAt = j.EnteredAt,
            WaitUntil = j.WaitUntil,
            ExitReason = j.ExitReason,
            Path = [.. j.Path],
        })],
        Channels = s.Profile.Channels.ToDictionary(c => c.Key, c => new ChannelEngagementView
        {
            Sent = c.Value.Sent,
            Opened = c.Value.Opened,
            Clicked = c.Value.Clicked,
            Skipped = c.Value.Skipped,
            Affinity = Math.Round(c.Value.Affinity, 6),
        }),
        FiredTriggers = [.. s.RecentTriggers],
        EventCount = s.Profile.EventCount,
        FirstSeen = s.Profile.FirstSeen,
        LastSeen = s.Profile.LastSeen,
        MonetaryValue = s.Profile.MonetaryValue,
        MergedFrom = [.. s.MergedFrom],
        MergedInto = s.MergedInto,
        RecentDecisions = [.. s.Decisions.Select(d => new RecentDecisionView
        {
            DecisionId = d.DecisionId,
            CampaignId = d.CampaignId,
            ActionId = d.ActionId,
            Channel = d.Channel,
            DecidedAt = d.DecidedAt,
            Status = d.Status.ToString().ToLowerInvariant(),
        })],
    };
}
