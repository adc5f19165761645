using MarketingActors.Core.Budget;
using MarketingActors.Core.Customers;
using MarketingActors.Core.Governance;
using MarketingActors.Core.Measurement;
using MarketingActors.Core.Profiles;
using MarketingActors.Services.Campaigns;
using MarketingActors.Services.Customers;
using MarketingActors.Services.Governance;
using MarketingActors.Storage;
using MarketingActors.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MarketingActors.Hosting;

/// <summary>The per-silo services the grains rely on: campaign cache, budget broker, model, options.</summary>
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
        // Cluster mode registers the PostgreSQL journal before this; embedded mode keeps nothing.
        services.TryAddSingleton<IEventJournal, NoEventJournal>();
        services.AddSingleton(sp => new SiloIdentity(sp.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString()));
        services.AddSingleton<ConversionModelHolder>();
        services.AddSingleton<IConversionModelProvider>(sp => sp.GetRequiredService<ConversionModelHolder>());
        services.AddSingleton<CampaignDirectory>();
        services.AddHostedService(sp => sp.GetRequiredService<CampaignDirectory>());
        services.AddSingleton<ILeaseSource, CampaignLeaseSource>();
        services.AddSingleton<BudgetLeaseBroker>();
        services.AddSingleton<CampaignTallies>();
        services.AddSingleton<CustomerTurnServices>();
        services.AddSingleton<CampaignSync>();
        services.AddHostedService(sp => sp.GetRequiredService<CampaignSync>());
        services.AddMarketingLearning(configuration);
        services.AddOptions<GovernanceOptions>().Bind(configuration.GetSection(GovernanceOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => AuditSeal.FromConfigured(sp.GetRequiredService<IOptions<GovernanceOptions>>().Value.AuditKey) ?? AuditSeal.Ephemeral());
        // Cluster mode registers the PostgreSQL audit log before this; embedded mode keeps a bounded chain in memory.
        services.TryAddSingleton<IAuditLog>(sp => new InMemoryAuditLog(sp.GetRequiredService<IOptions<GovernanceOptions>>().Value.AuditCapacity, sp.GetRequiredService<AuditSeal>()));
        services.AddSingleton<DecisionAuditWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<DecisionAuditWriter>());
        services.AddOptions<AnomalyOptions>().Bind(configuration.GetSection(AnomalyOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient();
        services.AddSingleton<PauseNotifier>();
        services.AddSingleton<CampaignWatch>();
        return services;
    }
}
