namespace MarketingActors.Campaigns;

/// <summary>The campaign as its owner defined it: validated, versioned, written only when it changes.</summary>
[GenerateSerializer, Alias("ma.campaign-definition-state")]
public sealed class CampaignDefinitionState
{
    [Id(0)] public CampaignDefinition? Definition { get; set; }
}
