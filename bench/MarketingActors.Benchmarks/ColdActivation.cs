using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace MarketingActors.Benchmarks;

/// <summary>
/// The time to activate a cold customer from PostgreSQL (issue 19), against a cluster silo that
/// bench/http/cold-activation.sh starts, kills and restarts:
///
///   load URL CUSTOMERS EVENTS    page views, EVENTS per customer (cold-0 … cold-(CUSTOMERS−1)),
///                                interleaved in batches of 1,000, 4 requests in flight
///   touch URL CUSTOMERS EVENTS CONCURRENCY
///                                GET /v1/customers/{id} once per customer, in a shuffled order,
///                                CONCURRENCY at a time: each is the customer's first request since
///                                the silo started, so it activates the grain (snapshot read, journal
///                                tail replayed). Prints the rate and the latency percentiles, and
///                                fails unless every customer comes back with all EVENTS events.
/// </summary>
public static class ColdActivation
{
    public static Task Run(string[] args) => args switch
    {
        ["load", var url, var customers, var events] => Load(url, Int(customers), Int(events)),
        ["touch", var url, var customers, var events, var concurrency] => Touch(url, Int(customers), Int(events), Int(concurrency)),
        _ => throw new ArgumentException("usage: cold-activation load URL CUSTOMERS EVENTS | touch URL CUSTOMERS EVENTS CONCURRENCY"),
    };

    private static async Task Load(string url, int customers, int events)
    {
        using var http = Client(url);
        var clock = Stopwatch.StartNew();
        // Event k of every customer before event k+1 of any: each customer's journal grows across the whole load.
        await PageViews.Post(http, Enumerable.Range(0, events).SelectMany(k => Enumerable.Range(0, customers).Select(c => ($"cold-{c}-{k}", $"cold-{c}"))));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"loaded {customers:N0} customers × {events} page views in {clock.Elapsed.TotalSeconds:F1} s ({customers * (double)events / clock.Elapsed.TotalSeconds:N0} events/s)"));
    }

    private static async Task Touch(string url, int customers, int events, int concurrency)
    {
        using var http = Client(url);
        var order = Enumerable.Range(0, customers).ToArray();
        new Random(customers).Shuffle(order);
        var took = new double[customers];
        var wrong = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, customers), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, _) =>
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync($"/v1/customers/cold-{order[i]}");
            var view = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
            took[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (view.ValueKind != JsonValueKind.Object || view.GetProperty("eventCount").GetInt64() != events) Interlocked.Increment(ref wrong);
        });
        var seconds = clock.Elapsed.TotalSeconds;
        Array.Sort(took);
        double At(double q) => took[Math.Min(customers - 1, (int)Math.Ceiling(q * customers) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT customers={customers} concurrency={concurrency} seconds={seconds:F2} per_second={customers / seconds:F0} p50_ms={At(0.50):F2} p90_ms={At(0.90):F2} p99_ms={At(0.99):F2} max_ms={took[^1]:F2} incomplete={wrong}"));
        if (wrong > 0) throw new InvalidOperationException($"{wrong} customers did not come back with their {events} events");
    }

    private static HttpClient Client(string url) => new() { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
}
