namespace MarketingActors.Delivery;

/// <summary>What the connector registry persists: each channel's connector with its secrets, and the unsubscribe-link key.</summary>
[GenerateSerializer, Alias("ma.connector-registry-state")]
public sealed class ConnectorRegistryState
{
    [Id(0)] public Dictionary<string, ConnectorSettings> Channels { get; set; } = new();
    [Id(1)] public Dictionary<string, ConnectorView> Views { get; set; } = new();
    [Id(2)] public long Version { get; set; }
    [Id(3)] public byte[] LinkKey { get; set; } = [];
}
