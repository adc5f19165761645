using MarketingActors.Core.Learning;
using MarketingActors.Services.Learning;
using MarketingActors.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MarketingActors.Hosting;

/// <summary>The learning loop's per-silo services; called from <see cref="EngineServices"/>.</summary>
public static class LearningServices
{
    public static IServiceCollection AddMarketingLearning(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LearningOptions>().Bind(configuration.GetSection(LearningOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ModelCache>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelCache>());
        services.AddSingleton<TrainingRowOutbox>();
        services.AddHostedService(sp => sp.GetRequiredService<TrainingRowOutbox>());
        services.AddSingleton<CustomerLearning>();
        // One buffer per RetrainingGrain activation; cluster mode registers the PostgreSQL buffer before this.
        services.TryAddTransient<ITrainingRowBuffer>(sp => new BoundedTrainingRowBuffer(sp.GetRequiredService<IOptions<LearningOptions>>().Value.MaxBufferedRows));
        return services;
    }
}
