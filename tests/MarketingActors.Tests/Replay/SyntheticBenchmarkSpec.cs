using MarketingActors.Replay.Synthetic;

namespace MarketingActors.Tests.Replay;

/// <summary>A small seeded run of the synthetic benchmark: the engine's policy learns what uniform random cannot.</summary>
public sealed class SyntheticBenchmarkSpec
{
    [Fact]
    public void After_twenty_thousand_decisions_the_contextual_policy_beats_uniform_random_and_context_free_thompson_where_context_matters()
    {
        int[] at = [20_000];

        var contextual = SyntheticBenchmark.Run(SyntheticBenchmark.Contextual, contextEffects: true, seed: 7, at).Checkpoints[0];
        var contextFree = SyntheticBenchmark.Run(SyntheticBenchmark.ContextFree, contextEffects: true, seed: 7, at).Checkpoints[0];
        var uniform = SyntheticBenchmark.Run(SyntheticBenchmark.Uniform, contextEffects: true, seed: 7, at).Checkpoints[0];

        Assert.True(contextual.FractionOfOracle > uniform.FractionOfOracle + 0.2, $"{contextual.FractionOfOracle:P1} vs uniform {uniform.FractionOfOracle:P1}");
        Assert.True(contextual.FractionOfOracle > contextFree.FractionOfOracle + 0.15, $"{contextual.FractionOfOracle:P1} vs context-free {contextFree.FractionOfOracle:P1}");
        Assert.True(contextual.FractionOfOracle <= 1);
    }

    [Fact]
    public void The_contextual_policy_is_compared_with_context_free_thompson_seed_by_seed()
    {
        static SyntheticRun Run(string policy, int seed, params double[] fractions) =>
            new(policy, ContextEffects: false, seed, [.. fractions.Select((f, i) => new Checkpoint(10_000 * (i + 1), f, OracleValue: 1))]);
        SyntheticRun[] runs =
        [
            Run(SyntheticBenchmark.Contextual, 1, 0.90, 0.95), Run(SyntheticBenchmark.ContextFree, 1, 0.85, 0.95),
            Run(SyntheticBenchmark.Contextual, 2, 0.80, 0.97), Run(SyntheticBenchmark.ContextFree, 2, 0.82, 0.96),
            // A seed that ran only one of the two has nothing to pair with.
            Run(SyntheticBenchmark.ContextFree, 3, 0.10, 0.10),
        ];

        var (seeds, points) = SyntheticBenchmark.PairedAgainstContextFree(runs)!.Value;

        Assert.Equal(2, seeds);
        // Differences +5 and −2 points: mean 1.5, standard error 3.5, half-width 1.96 × 3.5.
        Assert.Equal(1.5, points[0].Estimate, 9);
        Assert.Equal(1.5 - 1.959964 * 3.5, points[0].Lower, 3);
        Assert.Equal(1.5 + 1.959964 * 3.5, points[0].Upper, 3);
        Assert.Equal(0.5, points[1].Estimate, 9);
        Assert.Null(SyntheticBenchmark.PairedAgainstContextFree(runs[..2]));
    }
}
