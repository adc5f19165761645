using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace MarketingActors.Storage;

/// <summary>How grain state is stored, in memory and in PostgreSQL alike.</summary>
public static class StateSerialization
{
    /// <summary>
    /// The engine's state types carry Orleans serializer attributes; binary is compact, fast and
    /// version-tolerant, where the default (Newtonsoft JSON with reference tracking) cost more CPU
    /// than the grain logic it stored.
    /// </summary>
    public static IGrainStorageSerializer Binary(IServiceProvider services) =>
        ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(services);
}
