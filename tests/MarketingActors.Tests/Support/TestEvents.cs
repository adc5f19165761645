using MarketingActors.Events;

namespace MarketingActors.Tests.Support;

/// <summary>Builds normalised events with fresh ids.</summary>
public static class TestEvents
{
    public static MarketingEvent Of(string customerId, string type, DateTimeOffset? at = null, string? channel = null,
        Dictionary<string, string>? properties = null, string? decisionId = null, decimal? value = null, string? eventId = null) => new()
    {
        EventId = eventId ?? Guid.NewGuid().ToString("N"),
        CustomerId = customerId,
        Type = type,
        Channel = channel,
        Timestamp = at ?? DateTimeOffset.UtcNow,
        Properties = properties ?? new(),
        DecisionId = decisionId,
        Value = value,
    };

    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}
