using System.Threading.Channels;
using MarketingActors.Decisions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MarketingActors.Governance;

/// <summary>
/// Per silo: customer grains hand every decision here without a grain call; one loop appends
/// whatever has queued up as one batch (group commit), so the log grain sees one call per batch,
/// not per decision. A full queue makes deciders wait rather than leave a decision unaudited.
/// </summary>
public sealed class DecisionAuditWriter(IGrainFactory grains, IOptions<GovernanceOptions> options, ILogger<DecisionAuditWriter> logger) : BackgroundService
{
    private readonly Channel<AuditEntry> _queue = Channel.CreateBounded<AuditEntry>(
        new BoundedChannelOptions(options.Value.DecisionAuditQueue) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public ValueTask Record(Decision decision, string customerRef) => _queue.Writer.WriteAsync(AuditDrafts.Decision(decision, customerRef));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AuditEntry>(options.Value.DecisionAuditBatch);
        var log = grains.GetGrain<IAuditLogGrain>(0);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < options.Value.DecisionAuditBatch && _queue.Reader.TryRead(out var entry)) batch.Add(entry);
                try
                {
                    await log.Append([.. batch]);
                    batch.Clear();
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // Keep the batch and retry: the queue fills and deciders slow down instead of decisions going unaudited.
                    logger.LogWarning(e, "Could not append {Count} decision audit entries; retrying", batch.Count);
                    await Task.Delay(TimeSpan.FromMilliseconds(200), stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
