namespace MarketingActors.Core.Decisions;

/// <summary>Draws from Beta posteriors so that the engine explores uncertain variants and exploits proven ones.</summary>
public static class ThompsonSampler
{
    public static double SampleBeta(Random random, double alpha, double beta)
    {
        var x = SampleGamma(random, alpha);
        var y = SampleGamma(random, beta);
        return x / (x + y);
    }

    /// <summary>Marsaglia–Tsang; shape &lt; 1 via the boost Gamma(a) = Gamma(a+1)·U^(1/a).</summary>
    public static double SampleGamma(Random random, double shape)
    {
        if (shape < 1)
        {
            return SampleGamma(random, shape + 1) * Math.Pow(random.NextDouble(), 1.0 / shape);
        }
        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = SampleNormal(random);
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            var u = random.NextDouble();
            if (u < 1 - 0.0331 * x * x * x * x) return d * v;
            if (Math.Log(u) < 0.5 * x * x + d * (1 - v + Math.Log(v))) return d * v;
        }
    }

    /// <summary>A standard normal draw (Box–Muller).</summary>
    public static double SampleNormal(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
