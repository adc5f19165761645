using MarketingActors.Campaigns;
using MarketingActors.Core.Measurement;
using MarketingActors.Measurement;

namespace MarketingActors.Core.Campaigns;

/// <summary>
/// Scales a uniform sample of live customers' <see cref="AudienceProbe"/> answers to the live
/// population: a count is the population times the sampled share, its interval the Wilson score
/// interval of that share times the population; a census (every live customer asked) is exact.
/// </summary>
public static class AudienceEstimation
{
    public static AudienceEstimate Estimate(long liveCustomers, IReadOnlyCollection<AudienceProbe> probes, string? channel)
    {
        var exact = probes.Count >= liveCustomers;
        Interval Scale(Func<AudienceProbe, bool> counted)
        {
            var hits = probes.Count(counted);
            if (exact) return new Interval { Estimate = hits, Lower = hits, Upper = hits };
            var (lower, upper) = LiftStatistics.Wilson(hits, probes.Count);
            var share = (double)hits / probes.Count;
            return new Interval { Estimate = Math.Round(share * liveCustomers), Lower = Math.Floor(lower * liveCustomers), Upper = Math.Ceiling(upper * liveCustomers) };
        }
        return new AudienceEstimate
        {
            LiveCustomers = liveCustomers,
            Sampled = probes.Count,
            Exact = exact,
            Known = Scale(p => p.Known),
            Matching = Scale(p => p.Matches),
            Reachable = channel is null ? null : Scale(p => p.Reachable),
            Channel = channel,
        };
    }

    /// <summary>A uniform sample of <paramref name="size"/> (partial Fisher–Yates on a copy); all of them when there are no more.</summary>
    public static List<T> Sample<T>(IReadOnlyList<T> population, int size, Random random)
    {
        var pool = population.ToArray();
        var take = Math.Min(size, pool.Length);
        for (var i = 0; i < take; i++)
        {
            var j = random.Next(i, pool.Length);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        return [.. pool.Take(take)];
    }
}
