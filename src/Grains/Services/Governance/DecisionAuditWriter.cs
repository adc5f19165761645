using MarketingActors.Core.Customers;
using MarketingActors.Core.Governance;
using MarketingActors.Decisions;
using MarketingActors.Governance;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MarketingActors.Services.Governance;

/// <summary>
/// Per silo: customer grains hand every decision here without a grain call; one loop appends
/// whatever has queued up as one batch (group commit), so the log grain sees one call per batch,
/// not per decision. A full queue makes deciders wait rather than leave a decision unaudited.
/// Stopping drains the queue while the silo still serves grain calls (this service stops before
/// Orleans does); a decision made after that is appended on its own before it is answered.
/// </summary>
public sealed class DecisionAuditWriter(IGrainFactory grains, IOptions<GovernanceOptions> options, ILogger<DecisionAuditWriter> logger) : BackgroundService, IDecisionLog
{
    private readonly BoundedHandoff<AuditEntry> _queue = new(options.Value.DecisionAuditQueue);
    /// <summary>Read from the queue, not yet appended: kept across a failed append (and across the switch to draining) so nothing read is dropped.</summary>
    private readonly List<AuditEntry> _batch = new(options.Value.DecisionAuditBatch);
    /// <summary>Resolved once: an integer-keyed GetGrain looks the interface's attributes up by reflection on every call (≈ 1% of a silo taking single events).</summary>
    private IAuditLogGrain Log => _log ??= grains.GetGrain<IAuditLogGrain>(0);
    private IAuditLogGrain? _log;

    public ValueTask Record(Decision decision, string customerRef) => Record(AuditDrafts.Decision(decision, customerRef, options.Value.DecisionPayload));

    /// <summary>Any entry the engine writes at decision rate (a delivery's outcome), batched with the decisions.</summary>
    public ValueTask Record(AuditEntry entry) => _queue.TryAdd(entry) ? ValueTask.CompletedTask : WaitOrAppendAlone(entry);

    private async ValueTask WaitOrAppendAlone(AuditEntry entry)
    {
        if (!await _queue.AddAsync(entry)) await Log.Append([entry]);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _queue.WaitToTakeAsync(stoppingToken)) await AppendQueued(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        _queue.Complete();
        try
        {
            while (!cancellationToken.IsCancellationRequested && (_batch.Count > 0 || _queue.Count > 0)) await AppendQueued(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        if (_batch.Count + _queue.Count is > 0 and var left)
            logger.LogError("Shutdown deadline reached with {Count} decision audit entries not appended", left);
    }

    /// <summary>One batch: what is left of the last one, topped up from the queue. A failed append keeps it and waits before the retry.</summary>
    private async Task AppendQueued(CancellationToken retryUntil)
    {
        while (_batch.Count < options.Value.DecisionAuditBatch && _queue.TryTake(out var entry)) _batch.Add(entry);
        try
        {
            await Log.Append([.. _batch]);
            _batch.Clear();
        }
        catch (Exception e)
        {
            // Keep the batch and retry: the queue fills and deciders slow down instead of decisions going unaudited.
            logger.LogWarning(e, "Could not append {Count} decision audit entries; retrying", _batch.Count);
            await Task.Delay(TimeSpan.FromMilliseconds(200), retryUntil);
        }
    }
}
