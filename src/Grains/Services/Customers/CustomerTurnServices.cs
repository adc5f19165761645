using MarketingActors.Core.Customers;
using MarketingActors.Customers;
using MarketingActors.Core.Profiles;
using MarketingActors.Services.Campaigns;
using MarketingActors.Services.Delivery;
using MarketingActors.Services.Governance;
using MarketingActors.Services.Learning;
using MarketingActors.Telemetry;

namespace MarketingActors.Services.Customers;

/// <summary>This silo's side of every customer's turn: the per-silo services its ports are wired to, one set shared by every turn.</summary>
public sealed class CustomerTurnServices(
    IGrainFactory grains,
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

    public CustomerTurnPorts Ports { get; } = new(campaigns, budget, tallies, models, learning, audit, new AnonymousProfiles(grains), metrics, connectors);

    /// <summary>An anonymous profile hands its state over through its own grain, which then forwards to the known customer.</summary>
    private sealed class AnonymousProfiles(IGrainFactory grains) : IProfileSource
    {
        public Task<CustomerState?> HandOver(string anonymousId, string knownId) =>
            grains.GetGrain<IProfileHandover>(anonymousId).HandOver(knownId);
    }
}
