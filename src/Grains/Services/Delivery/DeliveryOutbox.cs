using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using MarketingActors.Core.Delivery;
using MarketingActors.Customers;
using MarketingActors.Delivery;
using MarketingActors.Events;
using MarketingActors.Services.Campaigns;
using MarketingActors.Services.Delivery.Connectors;
using MarketingActors.Services.Governance;
using MarketingActors.Storage;
using MarketingActors.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace MarketingActors.Services.Delivery;

/// <summary>
/// Every decision the engine delivers itself goes through here: stored (durable in cluster mode)
/// before the deciding call answers, sent through its channel's connector, retried with backoff
/// and jitter, dead-lettered after the last attempt; and its outcome is fed back to the customer
/// as <c>action_delivered</c> / <c>action_failed</c>, which confirms or releases the budget and
/// counts in the evidence, exactly as a backend's receipt would.
///
/// At least once: the feedback goes in before the record is saved, so a silo that dies in between
/// sends again (same decision id, same body) rather than losing the outcome. A silo sends what it
/// stored itself at once and polls for what is due: retries, deferred deliveries, and what a dead
/// silo had claimed.
/// </summary>
public sealed class DeliveryOutbox(
    IDeliveryStore store,
    ConnectorDirectory connectors,
    ConnectorPipelines pipelines,
    IEnumerable<IChannelConnector> senders,
    IGrainFactory grains,
    DecisionAuditWriter audit,
    SiloIdentity silo,
    IOptions<DeliveryOptions> options,
    EngineMetrics metrics,
    TimeProvider clock,
    ILogger<DeliveryOutbox> logger) : BackgroundService
{
    public const string EngineConnector = "engine";
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(10);

    private readonly DeliveryOptions _o = options.Value;
    private readonly Channel<DeliveryRecord> _fresh = Channel.CreateUnbounded<DeliveryRecord>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _slots = new(options.Value.Concurrency);
    private readonly ConcurrentDictionary<string, Task> _inFlight = new();
    /// <summary>Everything this silo has claimed and not yet settled (queued or sending): its claims are renewed while it holds them.</summary>
    private readonly ConcurrentDictionary<string, byte> _held = new();
    private readonly Dictionary<string, IChannelConnector> _senders = senders.ToDictionary(s => s.Type);

    /// <summary>Stores the orders of one deciding call; those due now are sent by this silo straight away.</summary>
    public async Task Submit(IReadOnlyList<DeliveryOrder> orders)
    {
        var now = clock.GetUtcNow();
        foreach (var record in await store.Add(orders, silo.Name, now, now + _o.ClaimFor))
            if (record.IsDue(now) && _held.TryAdd(record.Order.DecisionId, 0)) _fresh.Writer.TryWrite(record);
    }

    public Task Forget(string customerId) => store.Forget(customerId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = Task.Run(() => Poll(stoppingToken), CancellationToken.None);
        var renew = Task.Run(() => RenewClaims(stoppingToken), CancellationToken.None);
        try
        {
            await foreach (var record in _fresh.Reader.ReadAllAsync(stoppingToken)) await Dispatch(record, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await Task.WhenAll(poll, renew);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // What does not finish keeps its claim, which runs out: another silo (or the next start) sends it again.
        try
        {
            await Task.WhenAll(_inFlight.Values).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Shutdown deadline reached with {Count} deliveries in flight; they are sent again once their claim runs out", _inFlight.Count);
        }
    }

    /// <summary>Due retries, deferred deliveries and what a dead silo left, claimed as slots allow; delivered records pruned now and then.</summary>
    private Task Poll(CancellationToken stoppingToken)
    {
        var pruned = DateTimeOffset.MinValue;
        return Every(_o.PollInterval, "Delivery outbox poll failed; trying again", async () =>
        {
            var now = clock.GetUtcNow();
            if (now - pruned >= PruneEvery)
            {
                pruned = now;
                await store.Prune(now - _o.KeepDelivered);
            }
            var free = Math.Min(_slots.CurrentCount, _o.ClaimBatch);
            if (free == 0) return;
            foreach (var record in await store.Claim(silo.Name, now, now + _o.ClaimFor, free))
                if (_held.TryAdd(record.Order.DecisionId, 0)) await Dispatch(record, stoppingToken);
        }, stoppingToken);
    }

    /// <summary>
    /// A delivery waiting its turn (behind the rate limit, or for a free slot) must not look
    /// abandoned: every third of the claim period this silo extends the claims it holds, so only
    /// a silo that stopped renewing (it died) loses its deliveries to another.
    /// </summary>
    private Task RenewClaims(CancellationToken stoppingToken) =>
        Every(_o.ClaimFor / 3, "Could not renew delivery claims; another silo may send them too", async () =>
        {
            if (!_held.IsEmpty) await store.Renew(silo.Name, [.. _held.Keys], clock.GetUtcNow() + _o.ClaimFor);
        }, stoppingToken);

    /// <summary>Runs <paramref name="work"/>, then waits <paramref name="interval"/>, until stopped; a failed round is logged and the next one comes.</summary>
    private async Task Every(TimeSpan interval, string failure, Func<Task> work, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await work();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "{Failure}", failure);
            }
            try
            {
                await Task.Delay(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task Dispatch(DeliveryRecord record, CancellationToken stoppingToken)
    {
        await _slots.WaitAsync(stoppingToken);
        var id = record.Order.DecisionId;
        var task = Task.Run(async () =>
        {
            try
            {
                await Deliver(record);
            }
            catch (Exception e)
            {
                // Left claimed: the claim runs out and the delivery is tried again, by this silo or another.
                logger.LogWarning(e, "Delivery {DecisionId} could not be settled; it is retried when its claim runs out", id);
            }
            finally
            {
                _inFlight.TryRemove(id, out _);
                _held.TryRemove(id, out _);
                _slots.Release();
            }
        }, CancellationToken.None);
        _inFlight[id] = task;
    }

    /// <summary>One attempt: the guardrails again when due, the connector through its pipeline, then the record and the feedback.</summary>
    public async Task Deliver(DeliveryRecord record)
    {
        var order = record.Order;
        var customer = grains.GetGrain<ICustomerGrain>(order.CustomerId);
        var now = clock.GetUtcNow();
        if (record.Recheck && await customer.CheckDelivery(order.CampaignId, order.ActionId, order.DecisionId) is [var refusal, ..] refusals)
        {
            record.Blocked(new DeliveryAttempt { At = now, Connector = EngineConnector, Outcome = "blocked", Error = string.Join(", ", refusals) }, refusal);
            await Settle(record, EngineConnector);
            return;
        }
        var settings = connectors.For(order.Channel);
        var type = settings?.Type ?? EngineConnector;
        var started = Stopwatch.GetTimestamp();
        SendOutcome outcome;
        if (order.RenderError is { } renderError) outcome = SendOutcome.Permanent(DeliveryReasons.RenderFailed, renderError);
        else if (settings is null || !_senders.TryGetValue(settings.Type, out var sender)) outcome = SendOutcome.Permanent(DeliveryReasons.NoConnector, $"no connector for {order.Channel}");
        else
        {
            try
            {
                outcome = await pipelines.For(order.Channel, settings).ExecuteAsync(
                    static async (s, token) => await s.sender.Send(s.order, s.settings, token), (sender, order, settings));
            }
            catch (TimeoutRejectedException)
            {
                outcome = SendOutcome.Transient($"timeout after {settings.TimeoutSeconds} s");
            }
            catch (Exception e) when (e is BrokenCircuitException or RateLimiterRejectedException)
            {
                // The connector was not asked: no attempt counted, the delivery simply waits.
                record.Postpone(now + (e is BrokenCircuitException ? _o.BreakFor : TimeSpan.FromSeconds(1)), now);
                await store.Save(record);
                return;
            }
            catch (Exception e)
            {
                // A connector's own fault is an attempt that failed, counted and retried like any other.
                outcome = SendOutcome.Transient($"{e.GetType().Name}: {e.Message}");
            }
        }
        var took = Stopwatch.GetElapsedTime(started);
        var attempt = new DeliveryAttempt
        {
            At = now, Connector = type, Outcome = outcome.AttemptOutcome, StatusCode = outcome.StatusCode, Error = outcome.Error, DurationMs = took.TotalMilliseconds,
        };
        metrics.DeliveryAttempted(type, order.Channel, outcome.Result == SendResult.Delivered, took);
        if (outcome.Result == SendResult.Delivered) record.Delivered(attempt);
        else
        {
            var retryAt = now + DeliveryBackoff.Delay(record.Counted + 1, _o.InitialRetryDelay, _o.MaxRetryDelay, order.DecisionId);
            record.Failed(attempt, outcome.Result == SendResult.Permanent, settings?.MaxAttempts ?? 1, retryAt, outcome.Reason ?? outcome.Error ?? "failed");
        }
        if (record.Status == DeliveryStatus.Pending) await store.Save(record);
        else await Settle(record, type);
    }

    /// <summary>A final outcome: the customer hears it first (budget, evidence), then the record is saved, then audited and counted.</summary>
    private async Task Settle(DeliveryRecord record, string connector)
    {
        var order = record.Order;
        var delivered = record.Status == DeliveryStatus.Delivered;
        var feedback = new MarketingEvent
        {
            // Delivered happens once; a retried delivery can fail again, and each failure must release what its retry reserved.
            EventId = delivered ? "delivered-" + order.DecisionId : $"failed-{order.DecisionId}-{record.UpdatedAt.ToUnixTimeMilliseconds()}",
            CustomerId = order.CustomerId,
            Type = delivered ? EventCatalog.ActionDelivered : EventCatalog.ActionFailed,
            Channel = order.Channel,
            CampaignId = order.CampaignId,
            DecisionId = order.DecisionId,
            Timestamp = record.UpdatedAt,
            Properties = new() { [EventCatalog.EngineReceiptProperty] = connector },
        };
        await grains.GetGrain<ICustomerGrain>(order.CustomerId).Ingest([feedback]);
        await store.Save(record);
        var outcome = record.Status switch
        {
            DeliveryStatus.Delivered => "delivered",
            DeliveryStatus.Blocked => "blocked",
            _ => "dead_lettered",
        };
        metrics.DeliverySettled(connector, order.Channel, outcome);
        await audit.Record(DeliveryAudit.Of(record, outcome, EngineConnector));
    }
}
