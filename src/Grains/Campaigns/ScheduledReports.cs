using MarketingActors.Measurement;

namespace MarketingActors.Campaigns;

/// <summary>The latest scheduled lift reports of a campaign, oldest first; a state of its own so the report timer never rewrites the ledger.</summary>
[GenerateSerializer, Alias("ma.scheduled-reports")]
public sealed class ScheduledReports
{
    [Id(0)] public List<LiftReport> Reports { get; set; } = [];
}
