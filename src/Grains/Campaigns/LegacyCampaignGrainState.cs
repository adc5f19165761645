using MarketingActors.Core.Budget;
using MarketingActors.Core.Campaigns;
using MarketingActors.Core.Governance;
using MarketingActors.Measurement;

namespace MarketingActors.Campaigns;

/// <summary>
/// The single stored object campaigns had before their state was split by concern. Kept (same
/// alias and ids) only to read what an older engine stored: the grain moves it into the split
/// states on activation and clears it.
/// </summary>
[GenerateSerializer, Alias("ma.campaign-grain-state")]
public sealed class LegacyCampaignGrainState
{
    [Id(0)] public CampaignDefinition? Definition { get; set; }
    [Id(1)] public BudgetLedger Ledger { get; set; } = new();
    [Id(2)] public Dictionary<string, VariantPosterior> Variants { get; set; } = new();
    [Id(3)] public long Decisions { get; set; }
    [Id(4)] public Dictionary<string, AppliedReport> Reports { get; set; } = new();
    [Id(5)] public Dictionary<string, MeasurementTally> Measurements { get; set; } = new();
    [Id(6)] public List<SpendPoint> Pacing { get; set; } = [];
    [Id(7)] public List<CampaignSample> Samples { get; set; } = [];
    [Id(80)] public long Unsubscribes { get; set; }
    [Id(81)] public long Complaints { get; set; }
    [Id(82)] public AudienceCount Audience { get; set; } = AudienceCount.None;
    [Id(70)] public Dictionary<string, Dictionary<string, VariantPosterior>> Segments { get; set; } = new();

    public CampaignDefinitionState DefinitionState() => new() { Definition = Definition };

    /// <summary>The old reports carried leases and tallies together, so both channels resume after the last one applied.</summary>
    public CampaignLedgerState LedgerState() => new() { Ledger = Ledger, Receipts = new ReportReceipts { Applied = new(Reports) }, Pacing = Pacing };

    public CampaignTallyState TallyState() => new()
    {
        Variants = Variants,
        Segments = Segments,
        Decisions = Decisions,
        Measurements = Measurements,
        Unsubscribes = Unsubscribes,
        Complaints = Complaints,
        Audience = Audience,
        Receipts = new ReportReceipts { Applied = new(Reports) },
    };

    public CampaignWatchState WatchState() => new() { Samples = Samples };
}
