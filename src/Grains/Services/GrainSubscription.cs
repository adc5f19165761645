using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MarketingActors.Services;

/// <summary>
/// A per-silo copy of something a grain owns and pushes to its subscribers (the campaign catalog,
/// the champion model). Pushes can be lost (a silo joins late, the owner moves), so the copy also
/// re-subscribes and re-pulls on a period: every second until it has loaded once and for
/// <see cref="SettleFor"/> after (while a starting cluster settles, the activation a copy subscribed
/// to may be a duplicate that is then dropped, taking the subscription with it), then every
/// <see cref="ResubscribeEvery"/>. A failed refresh keeps serving what it has.
/// </summary>
public abstract class GrainSubscription(ILogger logger) : BackgroundService
{
    public static readonly TimeSpan ResubscribeEvery = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan UntilLoaded = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan SettleFor = TimeSpan.FromSeconds(15);

    /// <summary>Whether a first copy has arrived.</summary>
    protected abstract bool Loaded { get; }

    /// <summary>What is served now, for the warning when a refresh fails.</summary>
    protected abstract string Describe { get; }

    /// <summary>Subscribes (again) and pulls the current copy.</summary>
    protected abstract Task Resubscribe();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DateTime? loadedAt = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Resubscribe();
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "{Copy} could not refresh; serving {Serving}", GetType().Name, Describe);
            }
            try
            {
                if (Loaded) loadedAt ??= DateTime.UtcNow;
                await Task.Delay(loadedAt is { } at && DateTime.UtcNow - at > SettleFor ? ResubscribeEvery : UntilLoaded, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
