using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace MarketingActors.Benchmarks;

/// <summary>
/// A deliberately short job (3 warm-up + 10 measured iterations, one launch) so the whole suite
/// finishes in a couple of minutes on a 2-core machine. Use --job default for tighter intervals.
/// </summary>
public sealed class ShortRunConfig : ManualConfig
{
    public ShortRunConfig()
    {
        AddJob(Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(10)
            .WithId("Short"));
    }
}
