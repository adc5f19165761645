using System.Collections.Concurrent;
using System.Net;
using MarketingActors.Gateway.Endpoints;
using MarketingActors.Governance;
using Microsoft.Extensions.Options;

namespace MarketingActors.Gateway.Governance;

/// <summary>
/// One fixed window per API key (per client address before a key is known): at most
/// <see cref="SecurityOptions.RequestsPerWindow"/> requests per <see cref="SecurityOptions.RateWindow"/>,
/// beyond it 429 rate_limited with Retry-After until the window ends. Each key's window is one
/// 64-bit word updated by compare-and-swap, so requests of one key never queue behind a lock (the
/// framework's partitioned limiter takes a shared lock per request: benchmarks-history.md,
/// 2026-12-05). The first request of each window sweeps out the keys idle for a whole window, so
/// the table holds only recent callers.
/// </summary>
public sealed class PerKeyRateLimits
{
    private readonly ConcurrentDictionary<RateKey, FixedWindow> _windows = new();
    private readonly TimeProvider _clock;
    private readonly long _windowTicks;
    private readonly int _limit;
    private readonly long _start;
    private long _sweptWindow;

    private readonly record struct RateKey(string? Key, IPAddress? Address);

    public PerKeyRateLimits(IOptions<SecurityOptions> security, TimeProvider clock)
    {
        _clock = clock;
        _windowTicks = security.Value.RateWindow.Ticks;
        _limit = security.Value.RequestsPerWindow;
        _start = clock.GetUtcNow().UtcTicks;
    }

    /// <summary>Counts one request of the caller; null when it may go on, else how long until its window ends.</summary>
    public TimeSpan? Acquire(HttpContext context)
    {
        var key = context.Items[typeof(Principal)] is Principal p ? new RateKey(p.KeyId.Length > 0 ? p.KeyId : p.Id, null) : new RateKey(null, context.Connection.RemoteIpAddress);
        var elapsed = _clock.GetUtcNow().UtcTicks - _start;
        var window = elapsed / _windowTicks;
        var swept = Volatile.Read(ref _sweptWindow);
        if (window > swept && Interlocked.CompareExchange(ref _sweptWindow, window, swept) == swept) Sweep(window);
        return _windows.GetOrAdd(key, static _ => new FixedWindow()).TryTake(window, _limit)
            ? null
            : TimeSpan.FromTicks(_windowTicks - elapsed % _windowTicks);
    }

    public int TrackedCallers => _windows.Count;

    private void Sweep(long current)
    {
        foreach (var (key, window) in _windows)
        {
            if (window.Index < current - 1) _windows.TryRemove(key, out _);
        }
    }

    /// <summary>The window's index (high 40 bits) and the requests counted in it (low 24 bits; the limit is at most 10 million).</summary>
    private sealed class FixedWindow
    {
        private const int CountBits = 24;
        private const long CountMask = (1L << CountBits) - 1;
        private long _state;

        public long Index => Volatile.Read(ref _state) >> CountBits;

        public bool TryTake(long window, int limit)
        {
            while (true)
            {
                var state = Volatile.Read(ref _state);
                long next;
                if (state >> CountBits != window) next = (window << CountBits) | 1;
                else if ((state & CountMask) >= limit) return false;
                else next = state + 1;
                if (Interlocked.CompareExchange(ref _state, next, state) == state) return true;
            }
        }
    }
}

public static class PerKeyRateLimitsMiddleware
{
    /// <summary>After authorization, so the limit counts by the key that authenticated.</summary>
    public static IApplicationBuilder UsePerKeyRateLimits(this IApplicationBuilder app)
    {
        var limits = app.ApplicationServices.GetRequiredService<PerKeyRateLimits>();
        // Not async: a request within its limit goes on without a state machine of this layer's own.
        return app.Use((context, next) => limits.Acquire(context) is { } retryAfter
            ? Problems.Of(StatusCodes.Status429TooManyRequests, "rate_limited", "this API key sent too many requests; slow down", retryAfter: retryAfter).ExecuteAsync(context)
            : next(context));
    }
}
