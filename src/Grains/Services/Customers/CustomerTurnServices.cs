using MarketingActors.Core.Customers;
using MarketingActors.Core.Profiles;
using MarketingActors.Services.Campaigns;
using MarketingActors.Services.Governance;
using MarketingActors.Services.Learning;
using MarketingActors.Telemetry;

namespace MarketingActors.Services.Customers;

/// <summary>This silo's side of every customer's turn: the per-silo services its ports are wired to.</summary>
public sealed class CustomerTurnServices(
    CampaignDirectory campaigns,
    BudgetLeaseBroker budget,
    CampaignTallies tallies,
    IConversionModelProvider models,
    CustomerLearning learning,
    DecisionAuditWriter audit,
    EngineMetrics metrics)
{
    public CampaignDirectory Campaigns => campaigns;

    public CustomerTurnPorts PortsFor(IProfileSource profiles) => new(campaigns, budget, tallies, models, learning, audit, profiles, metrics);
}
