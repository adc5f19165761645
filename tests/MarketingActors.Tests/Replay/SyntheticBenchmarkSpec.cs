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
}
