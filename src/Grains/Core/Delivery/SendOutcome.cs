using MarketingActors.Delivery;

namespace MarketingActors.Core.Delivery;

/// <summary>What a connector reports for one attempt: delivered, failed for now (retry), or failed for good (dead letter).</summary>
public sealed record SendOutcome(SendResult Result, int? StatusCode = null, string? Error = null, string? Reason = null)
{
    public static readonly SendOutcome Accepted = new(SendResult.Delivered);

    public static SendOutcome Transient(string error, int? status = null) => new(SendResult.Transient, status, error);

    public static SendOutcome Permanent(string reason, string error, int? status = null) => new(SendResult.Permanent, status, error, reason);

    public string AttemptOutcome => Result switch
    {
        SendResult.Delivered => "delivered",
        SendResult.Transient => "failed",
        _ => "permanent",
    };

    /// <summary>HTTP statuses a receiver may answer while it recovers (RFC 9110 semantics); any other 4xx says the request itself is refused.</summary>
    public static SendOutcome OfHttpStatus(int status) => status switch
    {
        >= 200 and < 300 => Accepted,
        408 or 425 or 429 or >= 500 => Transient($"HTTP {status}", status),
        _ => Permanent(DeliveryReasons.Rejected, $"HTTP {status}", status),
    };
}

public enum SendResult
{
    Delivered,
    Transient,
    Permanent,
}
