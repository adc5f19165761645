using MarketingActors.Core.Decisions;

namespace MarketingActors.Tests.Grains.Core.Decisions;

/// <summary>Statistical checks with fixed seeds: tolerances are several standard errors wide.</summary>
public class ThompsonSamplerSpec
{
    private const int Draws = 40_000;

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 5)]
    [InlineData(30, 10)]
    [InlineData(0.5, 0.5)]
    [InlineData(0.2, 3)]
    [InlineData(101.2, 900.8)]
    public void Beta_draws_average_alpha_over_alpha_plus_beta(double alpha, double beta)
    {
        var random = new Random(20250602);
        var draws = Enumerable.Range(0, Draws).Select(_ => ThompsonSampler.SampleBeta(random, alpha, beta)).ToArray();

        var mean = alpha / (alpha + beta);
        var variance = alpha * beta / ((alpha + beta) * (alpha + beta) * (alpha + beta + 1));
        var standardError = Math.Sqrt(variance / Draws);
        Assert.All(draws, x => Assert.InRange(x, 0, 1));
        Assert.InRange(draws.Average(), mean - 5 * standardError, mean + 5 * standardError);
        var sampleVariance = draws.Select(x => (x - draws.Average()) * (x - draws.Average())).Average();
        Assert.InRange(sampleVariance, variance * 0.9, variance * 1.1);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(1)]
    [InlineData(4.5)]
    [InlineData(50)]
    public void Gamma_draws_average_their_shape(double shape)
    {
        var random = new Random(7);
        var draws = Enumerable.Range(0, Draws).Select(_ => ThompsonSampler.SampleGamma(random, shape)).ToArray();
        var standardError = Math.Sqrt(shape / Draws); // Var(Gamma(k, 1)) = k
        Assert.All(draws, x => Assert.True(x >= 0));
        Assert.InRange(draws.Average(), shape - 5 * standardError, shape + 5 * standardError);
    }

    [Fact]
    public void The_same_seed_replays_the_same_draws()
    {
        var a = new Random(99);
        var b = new Random(99);
        for (var i = 0; i < 100; i++) Assert.Equal(ThompsonSampler.SampleBeta(a, 3, 4), ThompsonSampler.SampleBeta(b, 3, 4));
    }

    [Fact]
    public void More_evidence_narrows_the_draws()
    {
        var random = new Random(5);
        static double Spread(Random r, double a, double b)
        {
            var xs = Enumerable.Range(0, 5000).Select(_ => ThompsonSampler.SampleBeta(r, a, b)).ToArray();
            var m = xs.Average();
            return Math.Sqrt(xs.Select(x => (x - m) * (x - m)).Average());
        }
        Assert.True(Spread(random, 100, 900) < Spread(random, 1, 9) / 5);
    }
}
