using System.Diagnostics;
using System.Globalization;
using System.Runtime;

namespace MarketingActors.Benchmarks;

/// <summary>
/// How cost grows with work (issue 19): a fresh embedded engine (in memory, keys off) over loopback
/// HTTP takes new customers, one page view each in batches of 1,000, 4 requests in flight, up to
/// each size in turn (cumulatively: 1k, then 100k, then 1M); at each size it reports the ingest
/// rate of new customers, the memory per live customer (managed heap after a full collection, the
/// memory the collector keeps committed for it, and the process's resident set, each as a delta over
/// the empty engine, divided by the customers; then the resident set again after 10 s without load,
/// once the collector has given back the free space it kept for the ingest),
/// and the throughput of page views to random customers already live, for 10 s. No campaign is
/// active: the figures are the customer grains' own. The load client runs in the same process, so
/// its allocations are in the heap between measurements, not at them (a full collection first).
///
///   dotnet run -c Release --project bench/MarketingActors.Benchmarks -- cost-curve 1000,100000,1000000
/// </summary>
public static class CostCurve
{
    public static async Task Run(int[] sizes)
    {
        var (app, baseUrl) = await LoopbackEngine.Start("--MarketingActors:Security:RequireApiKeys=false", "--MarketingActors:Security:RequestsPerWindow=10000000");
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(5) };
        var (heap0, committed0, rss0) = Memory();
        Console.WriteLine($"empty engine ({(GCSettings.IsServerGC ? "Server" : "workstation")} GC, as the silo runs it: Server): managed heap {heap0 / 1e6:F1} MB, committed by the collector {committed0 / 1e6:F1} MB, resident {rss0 / 1e6:F1} MB");
        Console.WriteLine("| live customers | new customers/s | managed heap per customer | committed per customer | resident per customer | resident after 10 s idle | page views/s to live customers |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        var live = 0;
        var collector = new List<string>();
        foreach (var size in sizes.Order())
        {
            var clock = Stopwatch.StartNew();
            await Send(http, live, size, i => i);
            var ingest = (size - live) / clock.Elapsed.TotalSeconds;
            live = size;
            var (heap, committed, rss) = Memory();
            await Task.Delay(TimeSpan.FromSeconds(10));
            var (_, _, settled) = Memory();
            collector.Add(Collector(size));
            var random = new Random(size);
            clock.Restart();
            var sent = 0;
            while (clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Send(http, 0, PageViews.InFlight * PageViews.Batch, _ => random.Next(live));
                sent += PageViews.InFlight * PageViews.Batch;
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {size:N0} | {ingest:N0} | {PerCustomer(heap - heap0, size)} | {PerCustomer(committed - committed0, size)} | {PerCustomer(rss - rss0, size)} | {PerCustomer(settled - rss0, size)} | {sent / clock.Elapsed.TotalSeconds:N0} |"));
        }
        foreach (var line in collector) Console.WriteLine(line);
        await app.StopAsync();
    }

    /// <summary>Where the collector's committed memory goes after the last full collection: the live heap, free space inside it, and what is committed beyond both.</summary>
    private static string Collector(int customers)
    {
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        var generations = string.Join(", ", Enumerable.Range(0, info.GenerationInfo.Length).Select(g =>
            string.Create(CultureInfo.InvariantCulture, $"gen{g} {info.GenerationInfo[g].SizeAfterBytes / 1e6:F0} MB (free {info.GenerationInfo[g].FragmentationAfterBytes / 1e6:F0} MB)")));
        return string.Create(CultureInfo.InvariantCulture,
            $"collector at {customers:N0}: heap {info.HeapSizeBytes / 1e6:F0} MB, free inside it {info.FragmentedBytes / 1e6:F0} MB, committed {info.TotalCommittedBytes / 1e6:F0} MB; {generations}");
    }

    /// <summary>Page views for customer numbers <paramref name="customer"/>(from) … (to − 1).</summary>
    private static Task Send(HttpClient http, int from, int to, Func<int, int> customer) =>
        PageViews.Post(http, Enumerable.Range(from, to - from).Select(i => (Guid.NewGuid().ToString("N"), $"cost-{customer(i)}")));

    private static string PerCustomer(long bytes, int customers) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)customers / 1024:F2} KB");

    private static (long Heap, long Committed, long Resident) Memory()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: false), GC.GetGCMemoryInfo().TotalCommittedBytes, process.WorkingSet64);
    }
}
