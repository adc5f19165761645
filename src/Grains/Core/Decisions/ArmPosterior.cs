using MarketingActors.Decisions;

namespace MarketingActors.Core.Decisions;

/// <summary>
/// What the policy believes about one arm's revenue per trial, from its <see cref="ArmStatistics"/>:
/// <list type="bullet">
/// <item>context-free: a Gaussian posterior on the mean, shrunk towards the campaign's pooled
/// mean with the weight of <see cref="PolicyPrior.Strength"/> trials;</item>
/// <item>contextual: Bayesian linear regression (ridge) on the decision context, the intercept's
/// prior at the pooled mean with that same weight and every other weight's at 0 with
/// <see cref="PolicyPrior.WeightPrecision"/>, so that an arm without evidence predicts the pool
/// and the prediction leaves it only as far as the arm's own contexts pull it.</item>
/// </list>
/// Both share the pooled revenue variance σ², so a prediction's spread is σ·√(xᵀA⁻¹x).
/// </summary>
public sealed class ArmPosterior
{
    private readonly double[] _inverse;
    private readonly double[] _weights;
    private readonly double _noise;

    public string ArmId { get; }
    public long Trials { get; }
    /// <summary>Context-free posterior mean and standard deviation of revenue per trial.</summary>
    public double Mean { get; }
    public double MeanSpread { get; }

    private ArmPosterior(string armId, long trials, double mean, double meanSpread, double[] inverse, double[] weights, double noise)
    {
        ArmId = armId;
        Trials = trials;
        Mean = mean;
        MeanSpread = meanSpread;
        _inverse = inverse;
        _weights = weights;
        _noise = noise;
    }

    public static ArmPosterior Of(ArmStatistics arm, PolicyPrior prior, int dimension)
    {
        var d = dimension;
        var precision = new double[d * d];
        for (var i = 0; i < d; i++) precision[i * d + i] = i == 0 ? prior.Strength : prior.WeightPrecision;
        if (arm.Gram.Length == d * (d + 1) / 2)
        {
            var k = 0;
            for (var i = 0; i < d; i++)
            for (var j = i; j < d; j++, k++)
            {
                precision[i * d + j] += arm.Gram[k];
                if (i != j) precision[j * d + i] += arm.Gram[k];
            }
        }
        var moment = new double[d];
        if (arm.Moment.Length == d) Array.Copy(arm.Moment, moment, d);
        moment[0] += prior.Strength * prior.PooledMean;
        var inverse = SymmetricInverse(precision, d);
        var weights = new double[d];
        for (var i = 0; i < d; i++)
        {
            double w = 0;
            for (var j = 0; j < d; j++) w += inverse[i * d + j] * moment[j];
            weights[i] = w;
        }
        var n = arm.Trials + prior.Strength;
        return new ArmPosterior(arm.ArmId, arm.Trials, (arm.Revenue + prior.Strength * prior.PooledMean) / n, Math.Sqrt(prior.Variance / n), inverse, weights, prior.Variance);
    }

    /// <summary>The posterior predictive mean and standard deviation of this arm's revenue for context <paramref name="x"/>.</summary>
    public (double Mean, double Spread) Predict(ReadOnlySpan<double> x)
    {
        var d = _weights.Length;
        double mean = 0, quadratic = 0;
        for (var i = 0; i < d; i++)
        {
            var xi = x[i];
            if (xi == 0) continue;
            mean += _weights[i] * xi;
            double row = 0;
            var offset = i * d;
            for (var j = 0; j < d; j++) row += _inverse[offset + j] * x[j];
            quadratic += xi * row;
        }
        return (mean, Math.Sqrt(_noise * Math.Max(quadratic, 0)));
    }

    /// <summary>Inverse of a symmetric positive definite matrix (row-major) by Cholesky.</summary>
    private static double[] SymmetricInverse(double[] a, int d)
    {
        var l = new double[d * d];
        for (var i = 0; i < d; i++)
        for (var j = 0; j <= i; j++)
        {
            var sum = a[i * d + j];
            for (var k = 0; k < j; k++) sum -= l[i * d + k] * l[j * d + k];
            l[i * d + j] = i == j ? Math.Sqrt(Math.Max(sum, 1e-12)) : sum / l[j * d + j];
        }
        // L⁻¹ by forward substitution, then A⁻¹ = L⁻ᵀL⁻¹.
        var li = new double[d * d];
        for (var i = 0; i < d; i++)
        {
            li[i * d + i] = 1 / l[i * d + i];
            for (var j = 0; j < i; j++)
            {
                double sum = 0;
                for (var k = j; k < i; k++) sum -= l[i * d + k] * li[k * d + j];
                li[i * d + j] = sum / l[i * d + i];
            }
        }
        var inverse = new double[d * d];
        for (var i = 0; i < d; i++)
        for (var j = 0; j <= i; j++)
        {
            double sum = 0;
            for (var k = i; k < d; k++) sum += li[k * d + i] * li[k * d + j];
            inverse[i * d + j] = sum;
            inverse[j * d + i] = sum;
        }
        return inverse;
    }
}

/// <summary>
/// The shared prior of a campaign's arms, from all their evidence pooled: mean and variance of
/// revenue per trial, and the prior's weight in trials, max(20, 3 / pooled conversion rate), the
/// same "worth three conversions" rule as the variant posteriors. The variance starts from what
/// the campaign's conversion value implies (a conversion of that value at the pooled rate) and
/// moves to the measured one as trials accumulate, so the first trials without a conversion do not
/// collapse every arm's spread to nothing.
/// </summary>
public sealed record PolicyPrior(double PooledMean, double Variance, double Strength, double WeightPrecision)
{
    public const double MinStrength = 20, PriorConversions = 3;

    public static PolicyPrior Pool(IEnumerable<ArmStatistics> arms, double conversionValue, double weightPrecision)
    {
        long trials = 0, conversions = 0;
        double revenue = 0, squares = 0;
        foreach (var a in arms)
        {
            trials += a.Trials;
            conversions += a.Conversions;
            revenue += a.Revenue;
            squares += a.RevenueSquares;
        }
        var rate = (conversions + 1.0) / (trials + 2.0);
        var strength = Math.Max(MinStrength, PriorConversions / rate);
        var mean = (revenue + strength * rate * conversionValue) / (trials + strength);
        var value = conversionValue > 0 ? conversionValue : 1;
        var priorVariance = rate * (1 - rate) * value * value;
        var variance = (Math.Max(squares - revenue * revenue / Math.Max(trials, 1), 0) + strength * priorVariance) / (trials + strength);
        return new PolicyPrior(mean, Math.Max(variance, 1e-9), strength, weightPrecision);
    }
}
