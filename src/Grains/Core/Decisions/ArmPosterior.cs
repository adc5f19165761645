using MarketingActors.Decisions;

namespace MarketingActors.Core.Decisions;

/// <summary>
/// What the policy believes about one arm's revenue per trial, from its <see cref="ArmStatistics"/>,
/// as conversion probability × value per conversion (modelled apart, the conversion carries the
/// signal and the value mostly noise: an order's value varies as much as the orders themselves):
/// <list type="bullet">
/// <item>conversion, context-free: the arm's rate shrunk towards the campaign's pooled rate with
/// the weight of <see cref="PolicyPrior.Strength"/> trials, or, when the campaign's evidence
/// counts engagements, its engagement rate × conversions per engagement (<see cref="EngagementPrior"/>);</item>
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
        var (rate, rateSpread) = prior.Engagement is { } engagement ? engagement.ConversionRateOf(arm) : ConversionRateOf(arm, prior);
        return new ArmPosterior(arm.ArmId, arm.Trials, value, value * rate, value * rateSpread, inverse, weights, prior.Noise);
    }

    /// <summary>The arm's conversion rate per trial from its conversions alone, shrunk towards the pool.</summary>
    private static (double Rate, double Spread) ConversionRateOf(ArmStatistics arm, PolicyPrior prior)
    {
        var n = arm.Trials + prior.Strength;
        var rate = (arm.Conversions + prior.Strength * prior.PooledRate) / n;
        return (rate, Math.Sqrt(rate * (1 - rate) / n));
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
/// "worth three conversions" rule as the variant posteriors. An arm's revenue per conversion is
/// shrunk towards the pooled one by <see cref="ValueConversions"/>: as many conversions as the
/// arms' values are alike (<see cref="BetweenArms"/>; an order's value varies far more between
/// orders than between arms, so a handful of large orders must not rank an arm).
/// </summary>
public sealed record PolicyPrior(double PooledRate, double PooledValue, double Strength, double WeightPrecision, double ValueConversions = SegmentShrinkage.ValuePriorConversions,
    EngagementPrior? Engagement = null)
{
    public const double MinStrength = 20, PriorConversions = 3;

    public double Noise => PooledRate * (1 - PooledRate);

    public static PolicyPrior Pool(IEnumerable<ArmStatistics> arms, double conversionValue, double weightPrecision)
    {
        var all = arms as IReadOnlyCollection<ArmStatistics> ?? [.. arms];
        long trials = 0, conversions = 0;
        double revenue = 0;
        foreach (var a in all)
        {
            trials += a.Trials;
            conversions += a.Conversions;
            revenue += a.Revenue;
        }
        var rate = (conversions + 1.0) / (trials + 2.0);
        var stated = conversionValue > 0 ? conversionValue : 1;
        var value = (revenue + PriorConversions * stated) / (conversions + PriorConversions);
        return new PolicyPrior(rate, value, Math.Max(MinStrength, PriorConversions / rate), weightPrecision, ValueWeight(all, conversions), EngagementPrior.Pool(all));
    }

    /// <summary>
    /// Conversions' worth of the pooled value in an arm's value: the orders' variance within arms
    /// (from the revenue's squares) over the variance of the arms' values between them, never less
    /// than <see cref="SegmentShrinkage.ValuePriorConversions"/> nor more than all the conversions.
    /// </summary>
    private static double ValueWeight(IReadOnlyCollection<ArmStatistics> arms, long conversions)
    {
        double squares = 0, means = 0;
        long counted = 0, valued = 0;
        foreach (var a in arms)
        {
            if (a.Conversions == 0 || a.RevenueSquares <= 0) continue;
            squares += a.RevenueSquares;
            means += a.Revenue * a.Revenue / a.Conversions;
            counted += a.Conversions;
            valued++;
        }
        var floor = SegmentShrinkage.ValuePriorConversions;
        if (counted <= valued) return floor;
        var within = (squares - means) / (counted - valued);
        var between = BetweenArms(arms.Where(a => a.Conversions > 0).Select(a => ((double)a.Conversions, a.Revenue / a.Conversions)), within);
        return Math.Clamp(within / between, floor, Math.Max(floor, conversions));
    }

    /// <summary>
    /// The variance between arms of a per-unit mean (DerSimonian–Laird's method of moments): how far
    /// Cochran's Q of the arms' means, weighted by their units over the <paramref name="within"/>
    /// variance of one unit, exceeds its expectation were they all alike. Zero when they look alike;
    /// infinite with fewer than two arms, where nothing says they are.
    /// </summary>
    public static double BetweenArms(IEnumerable<(double Units, double Mean)> arms, double within)
    {
        double w = 0, w2 = 0, wm = 0, wm2 = 0;
        var count = 0;
        foreach (var (units, mean) in arms)
        {
            var weight = units / within;
            w += weight;
            w2 += weight * weight;
            wm += weight * mean;
            wm2 += weight * mean * mean;
            count++;
        }
        if (count < 2 || !(within > 0)) return double.PositiveInfinity;
        var cochran = wm2 - wm * wm / w;
        return Math.Max(0, (cochran - (count - 1)) / (w - w2 / w));
    }
}

/// <summary>
/// Conversion through engagement: an arm's conversion rate is its engagement rate (customers who
/// came back or clicked per trial) times its conversions per engagement. Engagements are many
/// times more frequent than conversions, so the first factor separates arms from a fraction of
/// the trials conversions alone need; the second is shrunk towards the campaign's pooled rate by
/// as much as the arms' evidence says they share it (<see cref="PolicyPrior.BetweenArms"/>), so an
/// arm that draws engagements that do not convert leaves the pool as soon as its conversions show
/// it. That prior's weight is q̄(1−q̄)/τ² engagements, never less than three conversions' worth
/// (the plain model's rule), and unbounded when the arms look alike (τ² = 0): then they share the
/// pooled rate outright, and only their engagement tells them apart.
/// Used only when every arm's engagements cover its conversions (every conversion is an
/// engagement): evidence without engagement tracking, such as a prior test that reported none,
/// leaves the campaign on the plain model.
/// </summary>
public sealed record EngagementPrior(double Rate, double RateStrength, double ConversionRate, double ConversionStrength)
{
    public static EngagementPrior? Pool(IReadOnlyCollection<ArmStatistics> arms)
    {
        long trials = 0, engagements = 0, conversions = 0;
        foreach (var a in arms)
        {
            if (a.Engagements < a.Conversions) return null;
            trials += a.Trials;
            engagements += a.Engagements;
            conversions += a.Conversions;
        }
        if (engagements == 0) return null;
        var rate = (engagements + 1.0) / (trials + 2.0);
        var q = (conversions + 1.0) / (engagements + 2.0);
        var between = PolicyPrior.BetweenArms(arms.Where(a => a.Engagements > 0).Select(a => ((double)a.Engagements, (double)a.Conversions / a.Engagements)), q * (1 - q));
        var strength = Math.Max(q * (1 - q) / between, PolicyPrior.PriorConversions / q);
        return new EngagementPrior(rate, Math.Max(PolicyPrior.MinStrength, PolicyPrior.PriorConversions / rate), q, strength);
    }

    /// <summary>The arm's conversion rate per trial as engagement rate × conversions per engagement, with its standard deviation (delta method).</summary>
    public (double Rate, double Spread) ConversionRateOf(ArmStatistics arm)
    {
        var n = arm.Trials + RateStrength;
        var e = (arm.Engagements + RateStrength * Rate) / n;
        // Arms that look alike (τ² = 0) share the pooled rate exactly: only their engagement tells them apart.
        var m = arm.Engagements + ConversionStrength;
        var q = double.IsPositiveInfinity(m) ? ConversionRate : (arm.Conversions + ConversionStrength * ConversionRate) / m;
        var relative = (1 - e) / (e * n) + (1 - q) / (q * m);
        return (e * q, e * q * Math.Sqrt(relative));
    }
}
