namespace MarketingActors.Events;

/// <summary>
/// One behavioural event after the tracking plan has normalised it: the type is canonical
/// snake_case, tracking parameters are trimmed and lower-cased, the customer id is known.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.event")]
public sealed record MarketingEvent
{
    [Id(0)] public required string EventId { get; init; }
    [Id(1)] public required string CustomerId { get; init; }
    [Id(2)] public required string Type { get; init; }
    [Id(3)] public string? Channel { get; init; }
    [Id(4)] public required DateTimeOffset Timestamp { get; init; }
    [Id(5)] public Dictionary<string, string> Properties { get; init; } = new();
    [Id(6)] public string? CampaignId { get; init; }
    [Id(7)] public string? DecisionId { get; init; }
    [Id(8)] public decimal? Value { get; init; }
    /// <summary>True when the type was not in the tracking plan and lenient mode let it through.</summary>
    [Id(9)] public bool UnknownType { get; init; }
}

/// <summary>JSON names spelled out (the API's camelCase) so the generated JSON contexts write them without a converter.</summary>
[GenerateSerializer, Alias("ma.event-status")]
public enum EventStatus
{
    [System.Text.Json.Serialization.JsonStringEnumMemberName("accepted")] Accepted,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("duplicate")] Duplicate,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("rejected")] Rejected,
    /// <summary>Not applied because the engine could not take it right now; sending it again (same id) is safe.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("failed")] Failed,
}

/// <summary>What happened to one event: its status, a machine-readable reason when rejected, and the decisions it caused.</summary>
[GenerateSerializer, Immutable, Alias("ma.event-result")]
public sealed record EventResult
{
    [Id(0)] public required string EventId { get; init; }
    [Id(1)] public required EventStatus Status { get; init; }
    [Id(2)] public string? Reason { get; init; }
    [Id(3)] public Decisions.Decision[] Decisions { get; init; } = [];
    [Id(4)] public string[] Triggers { get; init; } = [];

    public static EventResult Rejected(string eventId, string reason) =>
        new() { EventId = eventId, Status = EventStatus.Rejected, Reason = reason };

    public static EventResult Failed(string eventId, string reason) =>
        new() { EventId = eventId, Status = EventStatus.Failed, Reason = reason };

    public static EventResult Duplicate(string eventId) =>
        new() { EventId = eventId, Status = EventStatus.Duplicate };
}
