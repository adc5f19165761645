using System.ComponentModel.DataAnnotations;

namespace MarketingActors.Core.Delivery;

/// <summary>How the delivery outbox sends (section MarketingActors:Delivery); per-connector limits are on the connector itself.</summary>
public sealed class DeliveryOptions : IValidatableObject
{
    public const string Section = "MarketingActors:Delivery";

    /// <summary>The engine's public address, for the one-click unsubscribe links in emails; default: the address the gateway listens on.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Sends in flight at once per silo, across connectors.</summary>
    [Range(1, 1024)] public int Concurrency { get; set; } = 64;

    /// <summary>How often the outbox looks for due retries, deferred deliveries and deliveries a dead silo left.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A silo owns the deliveries it claims this long; after that (it died) another silo takes them over.</summary>
    public TimeSpan ClaimFor { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Attempts (per connector, per silo, within 30 s) before its circuit may open, which it does when half of them failed; and how long it stays open.</summary>
    [Range(1, 1000)] public int BreakAfterFailures { get; set; } = 10;

    public TimeSpan BreakFor { get; set; } = TimeSpan.FromSeconds(5);

    [Range(1, 10_000)] public int ClaimBatch { get; set; } = 500;

    /// <summary>How long a delivered record (its attempts, for GET /v1/deliveries) is kept; dead letters stay until retried or erased.</summary>
    public TimeSpan KeepDelivered { get; set; } = TimeSpan.FromDays(7);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PublicBaseUrl is not null && (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")))
            yield return new ValidationResult("PublicBaseUrl: an absolute http(s) URL", [nameof(PublicBaseUrl)]);
        foreach (var (name, value, min, max) in new[]
        {
            (nameof(PollInterval), PollInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5)),
            (nameof(ClaimFor), ClaimFor, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
            (nameof(InitialRetryDelay), InitialRetryDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1)),
            (nameof(MaxRetryDelay), MaxRetryDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromDays(1)),
            (nameof(BreakFor), BreakFor, TimeSpan.FromMilliseconds(500), TimeSpan.FromHours(1)),
            (nameof(KeepDelivered), KeepDelivered, TimeSpan.FromMinutes(1), TimeSpan.FromDays(3650)),
        })
        {
            if (value < min || value > max) yield return new ValidationResult($"{name}: between {min} and {max}", [name]);
        }
        if (MaxRetryDelay < InitialRetryDelay) yield return new ValidationResult("MaxRetryDelay: at least InitialRetryDelay", [nameof(MaxRetryDelay)]);
    }
}
