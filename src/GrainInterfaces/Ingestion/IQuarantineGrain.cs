namespace MarketingActors.Ingestion;

/// <summary>
/// Every event the gateway rejected, with its reason, kept for an operator to list and replay
/// once the tracking plan is fixed. One grain (key 0): rejections are the exception, not the load.
/// </summary>
public interface IQuarantineGrain : IGrainWithIntegerKey
{
    [Alias("hold")]
    Task Hold(QuarantinedEvent[] events);

    /// <summary>Newest first, filtered by reason and source key when given.</summary>
    [Alias("list")]
    Task<QuarantinePage> List(string? reason, string? source, int limit);

    /// <summary>The held events to replay: those with the given ids, or all matching the filters (oldest first).</summary>
    [Alias("select")]
    Task<QuarantinedEvent[]> Select(long[]? ids, string? reason, string? source, int limit);

    /// <summary>A replay's outcome: the events now taken leave the quarantine; those refused again keep their new reason.</summary>
    [Alias("settle")]
    Task Settle(long[] taken, QuarantinedEvent[] refusedAgain);
}

/// <summary>One rejected event as it arrived (its JSON, truncated past the limit), with why it was refused.</summary>
[GenerateSerializer, Immutable, Alias("ma.quarantined-event")]
public sealed record QuarantinedEvent
{
    /// <summary>Assigned by the quarantine, increasing.</summary>
    [Id(0)] public long Id { get; init; }
    [Id(1)] public DateTimeOffset ReceivedAt { get; init; }
    /// <summary>The key that sent it.</summary>
    [Id(2)] public required string Source { get; init; }
    /// <summary>How to read <see cref="Raw"/> again: "native", or "segment" with the message type of a single-message route ("segment:track").</summary>
    [Id(3)] public required string Dialect { get; init; }
    [Id(4)] public required string Reason { get; init; }
    [Id(5)] public string? Detail { get; init; }
    [Id(6)] public string? EventId { get; init; }
    [Id(7)] public required string Raw { get; init; }
    /// <summary>The Segment batch's sentAt, for the clock-skew correction on replay.</summary>
    [Id(8)] public DateTimeOffset? SentAt { get; init; }
    /// <summary>Cut at the size limit: shown to the operator, not replayable.</summary>
    [Id(9)] public bool Truncated { get; init; }
}

[GenerateSerializer, Immutable, Alias("ma.quarantine-page")]
public sealed record QuarantinePage
{
    [Id(0)] public QuarantinedEvent[] Events { get; init; } = [];
    /// <summary>Held now, matching the filters.</summary>
    [Id(1)] public int Matching { get; init; }
    /// <summary>Dropped since the start because the quarantine was full (the oldest go first).</summary>
    [Id(2)] public long Dropped { get; init; }
    [Id(3)] public int Capacity { get; init; }
}
