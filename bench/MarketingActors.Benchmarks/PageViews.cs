using System.Globalization;
using System.Text;

namespace MarketingActors.Benchmarks;

/// <summary>How the cost curve and the cold-activation load feed an engine: page views posted to /v1/events in batches, a few requests in flight.</summary>
internal static class PageViews
{
    public const int Batch = 1_000, InFlight = 4;

    /// <summary>One page view per (event id, customer id), in order; the ids are enumerated on one thread.</summary>
    public static Task Post(HttpClient http, IEnumerable<(string EventId, string CustomerId)> views) =>
        Parallel.ForEachAsync(views.Chunk(Batch), new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (chunk, _) =>
        {
            var at = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
            var body = new StringBuilder(chunk.Length * 110).Append('[');
            foreach (var (eventId, customerId) in chunk)
            {
                if (body.Length > 1) body.Append(',');
                body.Append(CultureInfo.InvariantCulture, $$"""{"eventId":"{{eventId}}","customerId":"{{customerId}}","type":"page_view","timestamp":"{{at}}"}""");
            }
            using var response = await http.PostAsync("/v1/events", new StringContent(body.Append(']').ToString(), Encoding.UTF8, "application/json"));
            response.EnsureSuccessStatusCode();
        });
}
