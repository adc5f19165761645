using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;
using MarketingActors.Gateway.Endpoints;
using MarketingActors.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace MarketingActors.Gateway.Ingestion;

/// <summary>
/// How many events this gateway works on at once. A request's events hold permits from before
/// they are parsed until its answer is written, which is when their decisions stop taking memory.
/// Past <see cref="TrackingPlanOptions.MaxEventsInFlight"/> a request waits, oldest first, its body
/// read but not yet turned into events; past <see cref="TrackingPlanOptions.MaxEventsWaiting"/> it is
/// answered 503 <c>engine_busy</c> with <c>Retry-After</c> and nothing applied (before its body is
/// read while the wait stays full). Without the bound every request was worked on at once, and
/// memory and every request's wait grew with the senders.
/// </summary>
public sealed class IngestionAdmission : IDisposable
{
    public const string Busy = "engine_busy";

    private readonly IOptions<TrackingPlanOptions> _plan;
    private readonly ConcurrencyLimiter _permits;

    public IngestionAdmission(IOptions<TrackingPlanOptions> plan, IMeterFactory meters)
    {
        _plan = plan;
        _permits = new(new ConcurrencyLimiterOptions
        {
            PermitLimit = plan.Value.MaxEventsInFlight,
            QueueLimit = plan.Value.MaxEventsWaiting,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        var meter = meters.Create(GatewayTelemetry.EngineMeter);
        meter.CreateObservableGauge("ma.ingest.events.in_flight", () => Load.InFlight, "{event}", "Events this gateway is working on (parsed, dispatched, answer not yet written)");
        meter.CreateObservableGauge("ma.ingest.events.waiting", () => Load.Waiting, "{event}", "Events of requests waiting for room; past MaxEventsWaiting requests are answered 503 engine_busy");
    }

    /// <summary>Events being worked on, and events of requests waiting for room.</summary>
    public (long InFlight, long Waiting) Load
    {
        get
        {
            var now = _permits.GetStatistics()!;
            return (_plan.Value.MaxEventsInFlight - now.CurrentAvailablePermits, now.CurrentQueuedCount);
        }
    }

    /// <summary>Permits for <paramref name="events"/> events; not acquired when the wait is full.</summary>
    public ValueTask<RateLimitLease> Acquire(int events, CancellationToken cancellation) => _permits.AcquireAsync(events, cancellation);

    /// <summary>
    /// The answer for a request that arrives while the wait is already full, before its body is read:
    /// a sender that retries at once (ignoring <c>Retry-After</c>) would otherwise have every body it
    /// sends parsed only to be refused, and shedding load would cost the load it sheds.
    /// </summary>
    public IResult? RefuseWhileFull() => Load.Waiting is > 0 and var waiting && waiting >= _plan.Value.MaxEventsWaiting ? BusyAnswer() : null;

    /// <summary>Null once the request's events are admitted (held until its answer is written); otherwise its answer.</summary>
    public async ValueTask<IResult?> Admit(HttpContext context, int events)
    {
        var lease = await Acquire(events, context.RequestAborted);
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            return BusyAnswer();
        }
        context.Response.RegisterForDispose(lease);
        return null;
    }

    private IResult BusyAnswer() => Problems.Of(StatusCodes.Status503ServiceUnavailable, Busy,
        $"the engine is working on {_plan.Value.MaxEventsInFlight} events and has more waiting; nothing was applied, send again",
        retryAfter: TimeSpan.FromSeconds(1));

    public void Dispose() => _permits.Dispose();
}
