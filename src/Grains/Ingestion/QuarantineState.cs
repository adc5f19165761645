namespace MarketingActors.Ingestion;

/// <summary>The held events, oldest first, and what was dropped for space.</summary>
[GenerateSerializer, Alias("ma.quarantine-state")]
public sealed class QuarantineState
{
    [Id(0)] public List<QuarantinedEvent> Held { get; set; } = [];
    [Id(1)] public long NextId { get; set; } = 1;
    [Id(2)] public long Dropped { get; set; }
}
