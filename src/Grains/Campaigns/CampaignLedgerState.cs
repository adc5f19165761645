using MarketingActors.Core.Budget;
using MarketingActors.Core.Campaigns;
using MarketingActors.Measurement;

namespace MarketingActors.Campaigns;

/// <summary>The budget side of a campaign: its ledger of leases, the lease reports applied, and the spend per hour for pacing.</summary>
[GenerateSerializer, Alias("ma.campaign-ledger-state")]
public sealed class CampaignLedgerState
{
    [Id(0)] public BudgetLedger Ledger { get; set; } = new();
    [Id(1)] public ReportReceipts Receipts { get; set; } = new();
    [Id(2)] public List<SpendPoint> Pacing { get; set; } = [];
}
