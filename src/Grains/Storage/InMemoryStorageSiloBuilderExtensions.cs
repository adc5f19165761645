using MarketingActors.Core.Governance;
using MarketingActors.Core.Learning;
using MarketingActors.Services.Learning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MarketingActors.Storage;

/// <summary>
/// The engine's state in this process only (embedded mode and the spec cluster): grain storage,
/// reminders, learning streams, a journal that keeps nothing (the grain state is all there is), a
/// bounded audit chain and training-row buffer. Nothing survives the process.
/// </summary>
public static class InMemoryStorageSiloBuilderExtensions
{
    public static ISiloBuilder UseMarketingInMemoryStorage(this ISiloBuilder silo)
    {
        foreach (var name in StorageNames.All)
            silo.AddMemoryGrainStorage(name, options => options.Configure<IServiceProvider>((o, services) => o.GrainStorageSerializer = StateSerialization.Binary(services)));
        silo.AddLearningStreams();
        silo.AddMemoryGrainStorage(LearningStreams.PubSubStore);
        silo.UseInMemoryReminderService();
        silo.Services.AddSingleton<IEventJournal, NoEventJournal>();
        silo.Services.AddSingleton<IDeliveryStore, InMemoryDeliveryStore>();
        silo.Services.AddSingleton<IAuditLog>(sp => new InMemoryAuditLog(sp.GetRequiredService<IOptions<GovernanceOptions>>().Value.AuditCapacity, sp.GetRequiredService<AuditSeal>()));
        // One buffer per RetrainingGrain activation.
        silo.Services.AddTransient<ITrainingRowBuffer>(sp => new BoundedTrainingRowBuffer(sp.GetRequiredService<IOptions<LearningOptions>>().Value.MaxBufferedRows));
        return silo;
    }
}
