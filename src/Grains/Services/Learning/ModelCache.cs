using MarketingActors.Core.Learning;
using MarketingActors.Core.Profiles;
using MarketingActors.Learning;
using Microsoft.Extensions.Logging;

namespace MarketingActors.Services.Learning;

/// <summary>
/// The per-silo copy of the champion: loads each promoted version once and swaps it into the
/// <see cref="ConversionModelHolder"/> atomically, with the lookalike prototypes published with it.
/// The RetrainingGrain pushes each promotion (<see cref="GrainSubscription"/> re-pulls in case a
/// push was lost). A version that does not load is refused and the current model stays in service.
/// </summary>
public sealed class ModelCache(IGrainFactory grains, ConversionModelHolder holder, ILogger<ModelCache> logger)
    : GrainSubscription(logger), IModelObserver
{
    private sealed record Serving(long Generation, LookalikeProfile? Lookalike);

    private readonly Lock _swap = new();
    private volatile Serving _serving = new(-1, null);
    private IModelObserver? _reference;

    public long Generation => _serving.Generation;

    public LookalikeProfile? Lookalike => _serving.Lookalike;

    public Task OnChampionChanged(PublishedModel model)
    {
        Apply(model);
        return Task.CompletedTask;
    }

    /// <summary>Serves <paramref name="model"/> unless this silo already serves a newer generation; false if it was refused.</summary>
    public bool Apply(PublishedModel model)
    {
        lock (_swap)
        {
            if (model.Generation <= _serving.Generation) return true;
            IConversionModel loaded;
            try
            {
                loaded = model.Bytes.Length == 0 && model.Version == LogisticPriorModel.PriorVersion
                    ? new LogisticPriorModel()
                    : ModelCodec.Load(model.Version, model.Bytes, CustomerFeatures.Names);
            }
            catch (LearningException e)
            {
                logger.LogError("Refused model {Version} ({Reason}: {Detail}); still serving {Current}", model.Version, e.Reason, e.Message, holder.Current.Version);
                return false;
            }
            holder.Swap(loaded);
            _serving = new Serving(model.Generation, model.Lookalike);
            logger.LogInformation("Now serving model {Version} (generation {Generation})", model.Version, model.Generation);
            return true;
        }
    }

    protected override bool Loaded => Generation >= 0;

    protected override string Describe => holder.Current.Version;

    protected override async Task Resubscribe()
    {
        var retraining = grains.GetGrain<IRetrainingGrain>(0);
        _reference ??= grains.CreateObjectReference<IModelObserver>(this);
        await retraining.Subscribe(_reference);
        Apply(await retraining.GetChampion());
    }
}
