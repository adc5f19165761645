using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace MarketingActors.Benchmarks;

/// <summary>
/// Every garbage collection of a running engine process over a while, through the runtime's own
/// events (EventPipe, the GC keyword at Informational): each pause — the runtime suspended to
/// resumed, with the collection it was for — and the bytes that collection promoted out of gen0
/// and gen1; then a summary per generation. Under load every request in flight waits out a pause,
/// so the HTTP benchmarks' p99 is set by these (docs/benchmarks-history.md, 2026-12-07). Driven by
/// `PROFILER=gc bash bench/http/profile.sh`; on its own:
///
///   dotnet bench/MarketingActors.Benchmarks/bin/Release/net10.0/MarketingActors.Benchmarks.dll gc-pauses PID SECONDS
/// </summary>
public static class GcPauses
{
    public static async Task Run(string[] args)
    {
        if (args is not [var pidText, var secondsText] || !int.TryParse(pidText, out var pid) || !int.TryParse(secondsText, out var seconds))
            throw new ArgumentException("gc-pauses PID SECONDS");
        var log = new CollectionLog();
        var provider = new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC);
        using var session = new DiagnosticsClient(pid).StartEventPipeSession([provider], requestRundown: false);
        using var source = new EventPipeEventSource(session.EventStream);
        source.Clr.GCSuspendEEStart += e => log.Suspending(e.TimeStampRelativeMSec);
        source.Clr.GCStart += e => log.Collecting(e.Count, e.Depth, e.Type.ToString());
        source.Clr.GCHeapStats += e => log.Promoted(e.TotalPromotedSize0, e.TotalPromotedSize1);
        source.Clr.GCRestartEEStop += e => log.Resumed(e.TimeStampRelativeMSec);
        var reading = Task.Run(source.Process);
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        session.Stop();
        await reading;

        Console.WriteLine("| at (ms) | collection | generation | type | pause (ms) | promoted from gen0 (KB) | promoted from gen1 (KB) |");
        Console.WriteLine("|---:|---:|---:|---|---:|---:|---:|");
        foreach (var p in log.Pauses)
            Console.WriteLine(FormattableString.Invariant($"| {p.At:F0} | {p.Collection} | {p.Generation} | {p.Type} | {p.PauseMs:F2} | {p.PromotedGen0 / 1024} | {p.PromotedGen1 / 1024} |"));
        Console.WriteLine();
        foreach (var line in log.Summary()) Console.WriteLine(line);
    }
}

/// <summary>One suspension of the runtime and the collection it was for.</summary>
public sealed record GcPause(double At, int Collection, int Generation, string Type, double PauseMs, long PromotedGen0, long PromotedGen1);

/// <summary>The runtime's GC events, in the order it raises them, folded into pauses.</summary>
public sealed class CollectionLog
{
    private double? _suspendedAt;
    private (int Count, int Depth, string Type) _collection = (0, -1, "");
    private (long Gen0, long Gen1) _promoted;

    public List<GcPause> Pauses { get; } = [];

    public void Suspending(double atMs) => _suspendedAt = atMs;

    public void Collecting(int count, int depth, string type)
    {
        _collection = (count, depth, type);
        _promoted = (0, 0);
    }

    public void Promoted(long gen0, long gen1) => _promoted = (gen0, gen1);

    public void Resumed(double atMs)
    {
        // A session that starts inside a pause sees its end without its start.
        if (_suspendedAt is not { } from) return;
        Pauses.Add(new GcPause(from, _collection.Count, _collection.Depth, _collection.Type, atMs - from, _promoted.Gen0, _promoted.Gen1));
        _suspendedAt = null;
    }

    /// <summary>Per generation: how many pauses, how long (median, 90th percentile, longest), the median bytes promoted from gen0, and the time between collections.</summary>
    public IEnumerable<string> Summary()
    {
        foreach (var generation in Pauses.GroupBy(p => p.Generation).OrderBy(g => g.Key))
        {
            var pauses = generation.Select(p => p.PauseMs).Order().ToArray();
            var collections = generation.Select(p => p.Collection).Distinct().Count();
            var span = generation.Max(p => p.At) - generation.Min(p => p.At);
            var every = collections > 1 ? span / (collections - 1) : double.NaN;
            yield return string.Create(CultureInfo.InvariantCulture,
                $"gen{generation.Key}: {collections} collections, one every {every:F0} ms; {pauses.Length} pauses, p50 {Quantile(pauses, 0.5):F2} ms, p90 {Quantile(pauses, 0.9):F2} ms, max {pauses[^1]:F2} ms; promoted from gen0, median {Quantile([.. generation.Select(p => (double)p.PromotedGen0).Order()], 0.5) / 1024:F0} KB");
        }
    }

    private static double Quantile(double[] sorted, double q) => sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(q * sorted.Length))];
}
