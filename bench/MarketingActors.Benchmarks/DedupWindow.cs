using System.Diagnostics;
using System.Globalization;
using MarketingActors.Core.Profiles;

namespace MarketingActors.Benchmarks;

/// <summary>
/// What a customer's dedup window weighs once full, and what an event's check and record in it
/// costs when the windows are many (the customer's state is not in the cache, as in a silo): 2,000
/// windows of 1,024 fingerprints each, the heap kept by them after a full collection, then
/// 2,000,000 events, each to a random customer, each checked (<c>HasSeen</c>, as the grain does
/// before journaling) and recorded (<c>TryRecord</c>, evicting the oldest), `rounds` times:
///
///   dotnet bench/MarketingActors.Benchmarks/bin/Release/net10.0/MarketingActors.Benchmarks.dll dedup-window [rounds]
/// </summary>
public static class DedupWindow
{
    private const int Customers = 2_000, Events = 2_000_000;

    public static void Run(int rounds)
    {
        var before = SettledHeap();
        var windows = new EventDeduplicator[Customers];
        for (var c = 0; c < Customers; c++)
        {
            windows[c] = new EventDeduplicator();
            for (var e = 0; e < EventDeduplicator.Window + 76; e++) windows[c].TryRecord(string.Create(CultureInfo.InvariantCulture, $"run.{c:x8}-1-{e}"));
        }
        var kept = SettledHeap() - before;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"a full window ({EventDeduplicator.Window:N0} fingerprints, indexed): {kept / (double)Customers / 1024:F2} KB kept a customer"));
        var random = new Random(1);
        var ids = new string[Events];
        var to = new int[Events];
        for (var e = 0; e < Events; e++)
        {
            ids[e] = string.Create(CultureInfo.InvariantCulture, $"next.{e}");
            to[e] = random.Next(Customers);
        }
        for (var round = 1; round <= rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            for (var e = 0; e < Events; e++)
            {
                var window = windows[to[e]];
                if (!window.HasSeen(ids[e])) window.TryRecord(ids[e]);
            }
            // The ids are new again next round only if forgotten: each window took ≈ 1,000 of them, so shift them on.
            for (var e = 0; e < Events; e++) ids[e] = string.Concat(ids[e], "'");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round}: {clock.Elapsed.TotalMilliseconds * 1e6 / Events:F0} ns an event (check and record)"));
        }
        GC.KeepAlive(windows);
    }

    private static long SettledHeap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }
}
