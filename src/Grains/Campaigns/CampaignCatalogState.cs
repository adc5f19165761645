namespace MarketingActors.Campaigns;

/// <summary>Every campaign definition by id, the catalog version each change increments, and the kill switch.</summary>
[GenerateSerializer, Alias("ma.catalog-state")]
public sealed class CampaignCatalogState
{
    [Id(0)] public long Version { get; set; }
    [Id(1)] public Dictionary<string, CampaignDefinition> Campaigns { get; set; } = new();
    [Id(2)] public KillSwitchState KillSwitch { get; set; } = new();
}
