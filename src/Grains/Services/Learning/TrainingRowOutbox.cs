using System.Collections.Concurrent;
using MarketingActors.Core.Learning;
using MarketingActors.Learning;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MarketingActors.Services.Learning;

/// <summary>
/// Collects the labelled rows of every customer grain on this silo and publishes them on the
/// training-rows stream (<see cref="LearningStreams"/>) as one batch per interval, so outcomes
/// never cost a stream message, let alone a grain call, per event.
/// Bounded: past <see cref="LearningOptions.MaxPendingRowsPerSilo"/> new rows are dropped and counted.
/// </summary>
public sealed class TrainingRowOutbox(IClusterClient cluster, IOptions<LearningOptions> options, ILogger<TrainingRowOutbox> logger) : BackgroundService
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
        var stream = cluster.GetStreamProvider(LearningStreams.Provider).GetStream<TrainingRowBatch>(LearningStreams.Rows);
        while (!_pending.IsEmpty)
        {
            var batch = new List<TrainingRow>(Math.Min(_pending.Count, _options.RowBatchSize));
            while (batch.Count < _options.RowBatchSize && _pending.TryDequeue(out var row)) batch.Add(row);
            try
            {
                await stream.OnNextAsync(new TrainingRowBatch { Rows = [.. batch] });
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "The training-rows stream did not take {Rows} rows; retrying next round", batch.Count);
                Enqueue(batch);
                return;
            }
        }
    }
}
