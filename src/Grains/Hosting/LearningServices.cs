using MarketingActors.Core.Learning;
using MarketingActors.Services.Learning;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MarketingActors.Hosting;

/// <summary>The learning loop's per-silo services; called from <see cref="EngineServices"/>.</summary>
public static class LearningServices
{
    public static IServiceCollection AddMarketingLearning(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LearningOptions>().Bind(configuration.GetSection(LearningOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSiloService<ModelCache>(ServiceLifecycleStage.Active);
        services.AddSiloService<TrainingRowOutbox>(ServiceLifecycleStage.Active);
        services.AddSingleton<CustomerLearning>();
        return services;
    }
}
