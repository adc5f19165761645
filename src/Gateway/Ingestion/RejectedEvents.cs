using System.Diagnostics.Metrics;
using System.Text.Json;
using MarketingActors.Ingestion;

namespace MarketingActors.Gateway.Ingestion;

/// <summary>
/// Where the gateway's rejections go: counted by reason and source key (<c>ma.events.rejected</c>
/// in /metrics), and held in the quarantine grain. Holds are buffered and written at most once
/// per <see cref="FlushEvery"/>, so a sender whose every event is refused costs the quarantine one
/// write a second, not one per request. The sender's answer already carries every reason; the
/// buffer is what a crashing gateway can lose from the quarantine.
/// </summary>
public sealed class RejectedEvents(IGrainFactory grains, IMeterFactory meters, ILogger<RejectedEvents> logger) : BackgroundService
{
    public static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(500);

    /// <summary>Raw events longer than this are kept cut, for the operator to read, and are not replayable.</summary>
    public const int MaxRawChars = 8 * 1024;

    /// <summary>Rejections waiting for the quarantine beyond this are dropped (and logged): the grain cannot keep up anyway.</summary>
    private const int MaxBuffered = 10_000;

    private readonly Counter<long> _rejected = meters.Create(Hosting.GatewayTelemetry.EngineMeter).CreateCounter<long>("ma.events.rejected", description: "Events the gateway rejected, by reason and source key");
    private readonly Lock _gate = new();
    private List<QuarantinedEvent> _buffer = [];
    private long _overflow;

    public void Hold(string source, string dialect, JsonElement raw, ParsedEvent rejected, DateTimeOffset? sentAt)
    {
        _rejected.Add(1, new KeyValuePair<string, object?>("reason", rejected.Reason), new KeyValuePair<string, object?>("source", source));
        var text = raw.GetRawText();
        var held = new QuarantinedEvent
        {
            Source = source,
            Dialect = dialect,
            Reason = rejected.Reason!,
            Detail = rejected.Detail,
            EventId = rejected.EventId.Length > 0 ? rejected.EventId : null,
            Raw = text.Length > MaxRawChars ? text[..MaxRawChars] : text,
            Truncated = text.Length > MaxRawChars,
            SentAt = sentAt,
        };
        lock (_gate)
        {
            if (_buffer.Count < MaxBuffered) _buffer.Add(held);
            else _overflow++;
        }
    }

    /// <summary>Writes what is buffered now (the replay endpoint calls it, so what it lists is current).</summary>
    public async Task Flush()
    {
        List<QuarantinedEvent> batch;
        long overflow;
        lock (_gate)
        {
            (batch, _buffer) = (_buffer, []);
            (overflow, _overflow) = (_overflow, 0);
        }
        if (overflow > 0) logger.LogWarning("{Count} rejected events were not quarantined: the buffer was full", overflow);
        if (batch.Count == 0) return;
        try
        {
            await grains.GetGrain<IQuarantineGrain>(0).Hold([.. batch]);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            logger.LogWarning("Could not quarantine {Count} rejected events ({Reason}); retrying", batch.Count, e.Message);
            lock (_gate) _buffer.InsertRange(0, batch.Take(MaxBuffered - _buffer.Count));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await Flush();
        }
        catch (OperationCanceledException)
        {
        }
        await Flush();
    }
}
