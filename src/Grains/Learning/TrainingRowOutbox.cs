using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MarketingActors.Learning;

/// <summary>
/// Collects the labelled rows of every customer grain on this silo and ships them to the
/// RetrainingGrain in one call per interval, so outcomes never cost a grain call per event.
/// Bounded: past <see cref="LearningOptions.MaxPendingRowsPerSilo"/> new rows are dropped and counted.
/// </summary>
public sealed class TrainingRowOutbox(IGrainFactory grains, IOptions<LearningOptions> options, ILogger<TrainingRowOutbox> logger) : BackgroundService
{
    private readonly ConcurrentQueue<TrainingRow> _pending = new();
    private readonly LearningOptions _options = options.Value;
    private long _dropped;

    public int Pending => _pending.Count;

    public long Dropped => Interlocked.Read(ref _dropped);

    internal IReadOnlyList<TrainingRow> PendingRows => [.. _pending];

    public void Enqueue(List<TrainingRow> rows)
    {
        foreach (var row in rows)
        {
            if (_pending.Count >= _options.MaxPendingRowsPerSilo) Interlocked.Increment(ref _dropped);
            else _pending.Enqueue(row);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.RowFlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await Flush();
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await Flush();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not ship {Rows} labelled rows at shutdown", Pending);
        }
    }

    /// <summary>Ships everything pending; rows of a batch that failed go back in the queue for the next round.</summary>
    public async Task Flush()
    {
        while (!_pending.IsEmpty)
        {
            var batch = new List<TrainingRow>(Math.Min(_pending.Count, _options.RowBatchSize));
            while (batch.Count < _options.RowBatchSize && _pending.TryDequeue(out var row)) batch.Add(row);
            try
            {
                await grains.GetGrain<IRetrainingGrain>(0).Submit([.. batch]);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "The retraining grain did not take {Rows} rows; retrying next round", batch.Count);
                Enqueue(batch);
                return;
            }
        }
    }
}
