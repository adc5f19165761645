using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using MarketingActors.Core.Delivery;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using MarketingActors.Delivery;
using Polly.Timeout;

namespace MarketingActors.Services.Delivery;

/// <summary>
/// Per channel (per connector version), on this silo: a token-bucket rate limit, a circuit breaker
/// and the connector's timeout, as one Polly pipeline. Retries are not here: they belong to the
/// outbox, which keeps them durable and spaced by backoff; a broken circuit or an exhausted rate
/// only postpones a delivery without counting an attempt.
/// </summary>
public sealed class ConnectorPipelines(IOptions<DeliveryOptions> options)
{
    /// <summary>The breaker looks at this window; it opens when half the attempts in it failed, once there were enough of them.</summary>
    public static readonly TimeSpan SamplingWindow = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (ConnectorSettings Settings, ResiliencePipeline<SendOutcome> Pipeline)> _pipelines = new();

    public ResiliencePipeline<SendOutcome> For(string channel, ConnectorSettings settings)
    {
        if (_pipelines.TryGetValue(channel, out var current) && ReferenceEquals(current.Settings, settings)) return current.Pipeline;
        var built = (settings, Build(settings, options.Value));
        _pipelines[channel] = built;
        return built.Item2;
    }

    private static ResiliencePipeline<SendOutcome> Build(ConnectorSettings settings, DeliveryOptions o) => new ResiliencePipelineBuilder<SendOutcome>()
        .AddRateLimiter(new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = settings.RatePerSecond,
            TokensPerPeriod = settings.RatePerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            // Sends past the rate wait their turn (at most one slot each); past that they are postponed.
            QueueLimit = o.Concurrency,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        }))
        .AddCircuitBreaker(new CircuitBreakerStrategyOptions<SendOutcome>
        {
            FailureRatio = 0.5,
            MinimumThroughput = o.BreakAfterFailures,
            SamplingDuration = SamplingWindow,
            BreakDuration = o.BreakFor,
            ShouldHandle = new PredicateBuilder<SendOutcome>().Handle<TimeoutRejectedException>().HandleResult(r => r.Result == SendResult.Transient),
        })
        .AddTimeout(TimeSpan.FromSeconds(settings.TimeoutSeconds))
        .Build();
}
