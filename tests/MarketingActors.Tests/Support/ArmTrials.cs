using MarketingActors.Core.Decisions;
using MarketingActors.Decisions;

namespace MarketingActors.Tests.Support;

/// <summary>An arm's evidence from seeded trials in three-number contexts, for the contextual policy's specs.</summary>
public static class ArmTrials
{
    public const int Dimension = 3;

    /// <summary>Trials in contexts x = (1, u, b), u uniform and b a coin; each converts with probability <paramref name="conversion"/>(x), worth <paramref name="revenue"/>.</summary>
    public static ArmStatistics Learn(string armId, Func<double[], double> conversion, int trials, int seed, double revenue)
    {
        var random = new Random(seed);
        var arm = new ArmAccumulator(armId, Dimension);
        for (var i = 0; i < trials; i++)
        {
            double[] x = [1, random.NextDouble(), random.Next(2)];
            arm.Trial(x);
            if (random.NextDouble() < conversion(x)) arm.Conversion(x, revenue);
        }
        return arm.Take();
    }
}
