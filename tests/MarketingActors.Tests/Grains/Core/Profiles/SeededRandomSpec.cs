using MarketingActors.Core.Profiles;

namespace MarketingActors.Tests.Grains.Core.Profiles;

/// <summary>The generator a customer reseeds per decision: the same seed draws the same numbers, uniformly.</summary>
public class SeededRandomSpec
{
    [Fact]
    public void The_same_seed_gives_the_same_draws_whether_new_or_reseeded()
    {
        var fresh = new SeededRandom(42);
        var reused = new SeededRandom(7);
        reused.NextDouble();

        var a = Enumerable.Range(0, 100).Select(_ => fresh.NextDouble()).ToArray();
        reused.Reseed(42);
        var b = Enumerable.Range(0, 100).Select(_ => reused.NextDouble()).ToArray();

        Assert.Equal(a, b);
        var other = new SeededRandom(43);
        Assert.NotEqual(a, Enumerable.Range(0, 100).Select(_ => other.NextDouble()).ToArray());
    }

    [Fact]
    public void Draws_are_uniform_and_inside_their_ranges()
    {
        var random = new SeededRandom(1);
        var counts = new int[10];
        for (var i = 0; i < 100_000; i++)
        {
            var u = random.NextDouble();
            Assert.InRange(u, 0.0, 0.9999999999999999);
            counts[(int)(u * 10)]++;
            Assert.InRange(random.Next(3, 7), 3, 6);
        }
        // Each decile holds 10,000 ± 5 standard deviations (≈ 95).
        Assert.All(counts, c => Assert.InRange(c, 9_525, 10_475));
    }
}
