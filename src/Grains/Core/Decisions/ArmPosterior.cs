using MarketingActors.Decisions;

namespace MarketingActors.Core.Decisions;

/// <summary>
/// What the policy believes about one arm's revenue per trial, from its <see cref="ArmStatistics"/>,
/// as conversion probability × value per conversion (modelled apart, the conversion carries the
/// signal and the value mostly noise: an order's value varies as much as the orders themselves):
/// <list type="bullet">
/// <item>conversion, context-free: the arm's rate shrunk towards the campaign's pooled rate with
/// the weight of <see cref="PolicyPrior.Strength"/> trials;</item>
/// <item>conversion, contextual: Bayesian linear regression (ridge) of the conversion on the
/// decision context, the intercept's prior at the pooled rate with that same weight and every
/// other weight's at 0 with <see cref="PolicyPrior.WeightPrecision"/>, so that an arm without
/// evidence predicts the pool and leaves it only as far as its own contexts pull it;</item>
/// <item>value: the arm's revenue per conversion shrunk towards the pooled one with the weight
/// of <see cref="PolicyPrior.ValueConversions"/> conversions.</item>
/// </list>
/// The conversion's noise is the pooled Bernoulli variance, so a prediction's spread is
/// value·√(p̄(1−p̄)·xᵀA⁻¹x).
/// </summary>
public sealed class ArmPosterior
{
    private readonly double[] _inverse;
    private readonly double[] _weights;
    private readonly double _noise;

    public string ArmId { get; }
    public long Trials { get; }
    /// <summary>Revenue per conversion, shrunk towards the pool.</summary>
    public double Value { get; }
    /// <summary>Context-free posterior mean and standard deviation of revenue per trial.</summary>
    public double Mean { get; }
    public double MeanSpread { get; }

    private ArmPosterior(string armId, long trials, double value, double mean, double meanSpread, double[] inverse, double[] weights, double noise)
    {
        ArmId = armId;
        Trials = trials;
        Value = value;
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
        moment[0] += prior.Strength * prior.PooledRate;
        var inverse = SymmetricInverse(precision, d);
        var weights = new double[d];
        for (var i = 0; i < d; i++)
        {
            double w = 0;
            for (var j = 0; j < d; j++) w += inverse[i * d + j] * moment[j];
            weights[i] = w;
        }
        var value = (arm.Revenue + prior.ValueConversions * prior.PooledValue) / (arm.Conversions + prior.ValueConversions);
        var n = arm.Trials + prior.Strength;
        var rate = (arm.Conversions + prior.Strength * prior.PooledRate) / n;
        return new ArmPosterior(arm.ArmId, arm.Trials, value, value * rate, value * Math.Sqrt(rate * (1 - rate) / n), inverse, weights, prior.Noise);
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
        return (Value * mean, Value * Math.Sqrt(_noise * Math.Max(quadratic, 0)));
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
/// The shared prior of a campaign's arms, from all their evidence pooled: the conversion rate per
/// trial, its Bernoulli variance, revenue per conversion (starting from the campaign's stated
/// conversion value), and the prior's weight in trials, max(20, 3 / pooled rate), the same
/// "worth three conversions" rule as the variant posteriors.
/// </summary>
public sealed record PolicyPrior(double PooledRate, double PooledValue, double Strength, double WeightPrecision)
{
    public const double MinStrength = 20, PriorConversions = 3;
    /// <summary>Conversions' worth of the pooled value in each arm's value per conversion (as <see cref="SegmentShrinkage.ValuePriorConversions"/>).</summary>
    public double ValueConversions => SegmentShrinkage.ValuePriorConversions;

    public double Noise => PooledRate * (1 - PooledRate);

    public static PolicyPrior Pool(IEnumerable<ArmStatistics> arms, double conversionValue, double weightPrecision)
    {
        long trials = 0, conversions = 0;
        double revenue = 0;
        foreach (var a in arms)
        {
            trials += a.Trials;
            conversions += a.Conversions;
            revenue += a.Revenue;
        }
        var rate = (conversions + 1.0) / (trials + 2.0);
        var stated = conversionValue > 0 ? conversionValue : 1;
        var value = (revenue + PriorConversions * stated) / (conversions + PriorConversions);
        return new PolicyPrior(rate, value, Math.Max(MinStrength, PriorConversions / rate), weightPrecision);
    }
}
