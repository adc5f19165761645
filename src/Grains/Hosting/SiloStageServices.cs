using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MarketingActors.Hosting;

/// <summary>
/// A per-silo service started and stopped at a named stage of the silo's lifecycle, not by where
/// it happens to be registered among hosted services. The stages the engine uses:
/// <list type="bullet">
/// <item><see cref="ServiceLifecycleStage.ApplicationServices"/>: storage the grains write to
/// (journal, snapshots). Started before grains serve calls; stopped after the silo has deactivated
/// its grains, so their last writes are committed.</item>
/// <item><see cref="ServiceLifecycleStage.Active"/>: services that call grains (campaign sync, the
/// decision audit writer, model and campaign caches). Started once the silo serves calls; stopped
/// first, while grain calls still work, so their final reports get through.</item>
/// </list>
/// </summary>
public static class SiloStageServices
{
    public static IServiceCollection AddSiloService<TService>(this IServiceCollection services, int stage)
        where TService : class, IHostedService
    {
        services.AddSingleton<TService>();
        return services.AtSiloStage<TService>(stage);
    }

    /// <summary>Runs an already registered <typeparamref name="TService"/> at <paramref name="stage"/>.</summary>
    public static IServiceCollection AtSiloStage<TService>(this IServiceCollection services, int stage)
        where TService : class, IHostedService =>
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => new StageParticipant(typeof(TService).Name, stage, sp.GetRequiredService<TService>()));

    private sealed class StageParticipant(string name, int stage, IHostedService service) : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(name, stage, service.StartAsync, service.StopAsync);
    }
}
