using System.Text.Json.Serialization;

namespace MarketingActors.Delivery;

/// <summary>JSON names spelled out (the API's camelCase) so the generated JSON contexts write them without a converter.</summary>
[GenerateSerializer, Alias("ma.delivery-status")]
public enum DeliveryStatus
{
    /// <summary>Waiting for its first attempt, its deferred time, or its next retry.</summary>
    [JsonStringEnumMemberName("pending")] Pending,
    [JsonStringEnumMemberName("delivered")] Delivered,
    /// <summary>Every attempt failed (or the failure was permanent): kept with the reason, retryable through the API.</summary>
    [JsonStringEnumMemberName("deadLettered")] DeadLettered,
    /// <summary>Not sent: at send time the guardrails no longer allowed it (consent withdrawn, cap reached, campaign paused).</summary>
    [JsonStringEnumMemberName("blocked")] Blocked,
}

/// <summary>The content of one action as rendered for one customer: the same bytes on every attempt.</summary>
[GenerateSerializer, Immutable, Alias("ma.rendered-message")]
public sealed record RenderedMessage
{
    [Id(0)] public string? Subject { get; init; }
    [Id(1)] public string? Text { get; init; }
    [Id(2)] public string? Html { get; init; }
    [Id(3)] public string? Title { get; init; }
    [Id(4)] public string? Body { get; init; }
    [Id(5)] public string? DeepLink { get; init; }
    [Id(6), JsonConverter(typeof(Campaigns.RawJsonText))] public string? Payload { get; init; }
}

/// <summary>
/// What the engine owes a customer for one decision: the action, its rendered content, and when it
/// may go out. Its id is the decision id, which is also the idempotency key every attempt carries.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.delivery-order")]
public sealed record DeliveryOrder
{
    [Id(0)] public required string DecisionId { get; init; }
    [Id(1)] public required string CustomerId { get; init; }
    [Id(2)] public required string CampaignId { get; init; }
    [Id(3)] public required string ActionId { get; init; }
    [Id(4)] public required string Channel { get; init; }
    [Id(5)] public required string Variant { get; init; }
    [Id(6)] public string? Locale { get; init; }
    [Id(7)] public required DateTimeOffset DecidedAt { get; init; }
    /// <summary>Quiet hours deferred it: not before this instant, and its guardrails are checked again then.</summary>
    [Id(8)] public DateTimeOffset? DeliverAfter { get; init; }
    [Id(9)] public RenderedMessage? Message { get; init; }
    /// <summary>Where the customer is reached on the channel (email address, phone, device token), from their traits.</summary>
    [Id(10)] public string? Address { get; init; }
    [Id(11)] public string? JourneyStepId { get; init; }
    /// <summary>Set when the content could not be rendered (a template over its step budget): the delivery is dead-lettered with it.</summary>
    [Id(12)] public string? RenderError { get; init; }
}

/// <summary>One try at handing a delivery to its connector.</summary>
[GenerateSerializer, Immutable, Alias("ma.delivery-attempt")]
public sealed record DeliveryAttempt
{
    [Id(0)] public required DateTimeOffset At { get; init; }
    [Id(1)] public required string Connector { get; init; }
    /// <summary>"delivered", "failed" (will be retried), "permanent" (will not), "blocked" (guardrails at send time).</summary>
    [Id(2)] public required string Outcome { get; init; }
    /// <summary>The receiver's HTTP status or the SMTP reply code, when there was one.</summary>
    [Id(3)] public int? StatusCode { get; init; }
    [Id(4)] public string? Error { get; init; }
    [Id(5)] public double DurationMs { get; init; }
}

/// <summary>A delivery as the API shows it: the order, where it stands, and every attempt.</summary>
[GenerateSerializer, Immutable, Alias("ma.delivery-view")]
public sealed record DeliveryView
{
    [Id(0)] public required DeliveryOrder Order { get; init; }
    [Id(1)] public required DeliveryStatus Status { get; init; }
    [Id(2)] public DeliveryAttempt[] Attempts { get; init; } = [];
    [Id(3)] public DateTimeOffset? NextAttemptAt { get; init; }
    /// <summary>Why it is dead-lettered or blocked.</summary>
    [Id(4)] public string? Reason { get; init; }
    [Id(5)] public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>Machine-readable reasons a delivery did not go out.</summary>
public static class DeliveryReasons
{
    public const string NoConnector = "connector_missing";
    public const string ContentMissing = "content_missing";
    public const string AddressMissing = "address_missing";
    public const string AttemptsExhausted = "attempts_exhausted";
    public const string Rejected = "rejected_by_receiver";
    public const string RenderFailed = "render_failed";
}
