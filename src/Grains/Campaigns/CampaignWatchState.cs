using MarketingActors.Core.Governance;

namespace MarketingActors.Campaigns;

/// <summary>The anomaly guard's samples of the campaign over its window (spend, deliveries, conversions, opt-outs).</summary>
[GenerateSerializer, Alias("ma.campaign-watch-state")]
public sealed class CampaignWatchState
{
    [Id(0)] public List<CampaignSample> Samples { get; set; } = [];
}
