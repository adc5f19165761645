using MarketingActors.Decisions;
using MarketingActors.Events;

namespace MarketingActors.Customers;

/// <summary>One customer's live behavioural state and decision point. Keyed by customer id.</summary>
[Alias("ma.customer")]
public interface ICustomerGrain : IGrainWithStringKey
{
    /// <summary>Applies this customer's events in order; one result per event.</summary>
    /// <remarks>
    /// Neither array is written after it is handed over (the gateway builds one per call, the grain
    /// one per answer), so a local call passes them as they are instead of copying them.
    /// </remarks>
    [Alias("ingest")]
    [return: Immutable]
    Task<EventResult[]> Ingest([Immutable] MarketingEvent[] events);

    [Alias("view")]
    Task<CustomerView> GetView();

    /// <summary>On-site personalization: the best action for a placement right now, or a decision explaining why none.</summary>
    [Alias("nba")]
    Task<Decision?> NextBestAction(string placement);

    /// <summary>The reference this customer's decisions carry in the audit log (null before the first decision).</summary>
    [Alias("audit-ref")]
    Task<string?> GetAuditReference();

    /// <summary>Right to erasure: clears all state (and that of anonymous profiles merged into it); returns the forgotten audit reference.</summary>
    [Alias("erase")]
    Task<string?> Erase();

    /// <summary>Right of access: the customer's journaled events, oldest first (none in embedded mode, which journals nothing).</summary>
    [Alias("journaled-events")]
    Task<MarketingEvent[]> GetJournaledEvents();

    /// <summary>Before a deferred or retried delivery goes out: the guardrails that now refuse it (empty: send it).</summary>
    [Alias("check-delivery")]
    Task<string[]> CheckDelivery(string campaignId, string actionId, string decisionId);

    /// <summary>This customer's answer to an audience rule, for sizing it (an id without events, or merged into another profile, is not a customer).</summary>
    [Alias("probe-audience")]
    Task<Campaigns.AudienceProbe> ProbeAudience(Campaigns.AudienceRule rule, string? channel);

    /// <summary>An action's content rendered for this customer as a decision now would render it, sending nothing.</summary>
    [Alias("preview")]
    Task<Delivery.RenderedMessage> Preview(Campaigns.CampaignDefinition campaign, string actionId);
}

[GenerateSerializer, Immutable, Alias("ma.customer-view")]
public sealed record CustomerView
{
    [Id(0)] public required string CustomerId { get; init; }
    [Id(1)] public Dictionary<string, string> Traits { get; init; } = new();
    [Id(2)] public Dictionary<string, bool> Consent { get; init; } = new();
    [Id(3)] public Dictionary<string, double> Features { get; init; } = new();
    [Id(4)] public double ConversionLikelihood { get; init; }
    [Id(5)] public double EngagementVelocity { get; init; }
    [Id(6)] public string ModelVersion { get; init; } = "";
    [Id(7)] public JourneyView[] Journeys { get; init; } = [];
    [Id(8)] public Dictionary<string, ChannelEngagementView> Channels { get; init; } = new();
    [Id(9)] public string[] FiredTriggers { get; init; } = [];
    [Id(10)] public long EventCount { get; init; }
    [Id(11)] public DateTimeOffset? FirstSeen { get; init; }
    [Id(12)] public DateTimeOffset? LastSeen { get; init; }
    [Id(13)] public decimal MonetaryValue { get; init; }
    [Id(14)] public string[] MergedFrom { get; init; } = [];
    /// <summary>Set when this id was an anonymous profile that has been merged into a known customer.</summary>
    [Id(15)] public string? MergedInto { get; init; }
    [Id(16)] public RecentDecisionView[] RecentDecisions { get; init; } = [];
}

[GenerateSerializer, Immutable, Alias("ma.journey-view")]
public sealed record JourneyView
{
    [Id(0)] public required string CampaignId { get; init; }
    [Id(1)] public string? StepId { get; init; }
    [Id(2)] public required string Status { get; init; }
    [Id(3)] public DateTimeOffset EnteredAt { get; init; }
    [Id(4)] public DateTimeOffset? WaitUntil { get; init; }
    [Id(5)] public string? ExitReason { get; init; }
    [Id(6)] public string[] Path { get; init; } = [];
}

[GenerateSerializer, Immutable, Alias("ma.channel-view")]
public sealed record ChannelEngagementView
{
    [Id(0)] public long Sent { get; init; }
    [Id(1)] public long Opened { get; init; }
    [Id(2)] public long Clicked { get; init; }
    [Id(3)] public long Skipped { get; init; }
    [Id(4)] public double Affinity { get; init; }
}

[GenerateSerializer, Immutable, Alias("ma.recent-decision")]
public sealed record RecentDecisionView
{
    [Id(0)] public required string DecisionId { get; init; }
    [Id(1)] public required string CampaignId { get; init; }
    [Id(2)] public string? ActionId { get; init; }
    [Id(3)] public string? Channel { get; init; }
    [Id(4)] public DateTimeOffset DecidedAt { get; init; }
    [Id(5)] public string Status { get; init; } = "";
}
