using MarketingActors.Core.Customers;
using MarketingActors.Core.Profiles;
using MarketingActors.Services.Campaigns;
using MarketingActors.Services.Delivery;
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
    EngineMetrics metrics,
    ConnectorDirectory connectors,
    DeliveryOutbox deliveries)
{
    public DeliveryOutbox Deliveries => deliveries;

    /// <summary>The campaign catalog and the connectors, on the first event this silo sees before its subscriptions ran.</summary>
    public async ValueTask EnsureLoaded()
    {
        await campaigns.EnsureLoaded();
        await connectors.EnsureLoaded();
    }

    public CustomerTurnPorts PortsFor(IProfileSource profiles) => new(campaigns, budget, tallies, models, learning, audit, profiles, metrics, connectors);
}
