using MarketingActors.Core.Budget;
using MarketingActors.Core.Customers;
using MarketingActors.Core.Delivery;
using MarketingActors.Core.Governance;
using MarketingActors.Core.Measurement;
using MarketingActors.Core.Profiles;
using MarketingActors.Services.Campaigns;
using MarketingActors.Services.Customers;
using MarketingActors.Services.Delivery;
using MarketingActors.Services.Delivery.Connectors;
using MarketingActors.Services.Governance;
using MarketingActors.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MarketingActors.Hosting;

/// <summary>
/// The per-silo services the grains rely on: campaign cache, budget broker, tallies, model,
/// options. Storage is not here: the silo chooses it explicitly (UseMarketingInMemoryStorage or
/// UseMarketingPostgres), and each backend registers all of it.
/// </summary>
public static class EngineServices
{
    public static IServiceCollection AddMarketingEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CustomerOptions>().Bind(configuration.GetSection(CustomerOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BudgetOptions>().Bind(configuration.GetSection(BudgetOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<MeasurementOptions>().Bind(configuration.GetSection(MeasurementOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<EngineMetrics>();
        services.AddSingleton(sp => new SiloIdentity(sp.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString()));
        services.AddSingleton<ConversionModelHolder>();
        services.AddSingleton<IConversionModelProvider>(sp => sp.GetRequiredService<ConversionModelHolder>());
        services.AddSiloService<CampaignDirectory>(ServiceLifecycleStage.Active);
        services.AddSingleton<ILeaseSource, CampaignLeaseSource>();
        services.AddSingleton<BudgetLeaseBroker>();
        services.AddSingleton<CampaignTallies>();
        services.AddMarketingDelivery(configuration);
        services.AddSingleton<CustomerTurnServices>();
        services.AddSiloService<CampaignSync>(ServiceLifecycleStage.Active);
        services.AddMarketingLearning(configuration);
        services.AddOptions<GovernanceOptions>().Bind(configuration.GetSection(GovernanceOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => AuditSeal.FromConfigured(sp.GetRequiredService<IOptions<GovernanceOptions>>().Value.AuditKey) ?? AuditSeal.Ephemeral());
        services.AddSiloService<DecisionAuditWriter>(ServiceLifecycleStage.Active);
        services.AddOptions<Ingestion.QuarantineOptions>().Bind(configuration.GetSection(Ingestion.QuarantineOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AnomalyOptions>().Bind(configuration.GetSection(AnomalyOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient();
        services.AddSingleton<PauseNotifier>();
        services.AddSingleton<CampaignWatch>();
        return services;
    }

    /// <summary>The delivery outbox, its connectors and their per-connector pipelines.</summary>
    private static IServiceCollection AddMarketingDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DeliveryOptions>().Bind(configuration.GetSection(DeliveryOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSiloService<ConnectorDirectory>(ServiceLifecycleStage.Active);
        services.AddSingleton<ConnectorPipelines>();
        services.AddSingleton<IChannelConnector, WebhookConnector>();
        services.AddSingleton<IChannelConnector, SmtpConnector>();
        // A receiver's redirect is its answer (a 3xx refuses the delivery), never a hop to wherever it points.
        // The connector's timeout is its pipeline's; the client adds no second timer per request.
        services.AddHttpClient(WebhookConnector.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan).ConfigurePrimaryHttpMessageHandler(() => new System.Net.Http.SocketsHttpHandler { AllowAutoRedirect = false });
        services.AddSiloService<DeliveryOutbox>(ServiceLifecycleStage.Active);
        return services;
    }
}
