using MarketingActors.Campaigns;

namespace MarketingActors.Core.Decisions;

/// <summary>A Beta posterior over an action's conversion rate per delivery.</summary>
public readonly record struct BetaPosterior(double Alpha, double Beta)
{
    public double Mean => Alpha / (Alpha + Beta);
    public double Strength => Alpha + Beta;
}

/// <summary>
/// Hierarchical shrinkage of variant evidence: campaign → variant → segment.
///
///   variant:  θ_v  ~ Beta(k·m + c_v, k·(1 − m) + n_v − c_v)          m = pooled campaign rate, k = <see cref="NextBestActionPolicy.PriorStrengthAt"/>
///   segment:  θ_sv ~ Beta(s·μ_v + c_sv, s·(1 − μ_v) + n_sv − c_sv)   μ_v = mean of θ_v, s = min(S, k + n_v)
///
/// A segment without evidence samples exactly the variant's campaign-wide posterior (s = k + n_v
/// when S is larger), so the fallback is seamless; a segment's own evidence outweighs the campaign
/// once it has more than S deliveries ("where data suffices"). s never exceeds the campaign-wide
/// evidence itself, so a young campaign does not pretend to know its segments.
/// </summary>
public static class SegmentShrinkage
{
    public static BetaPosterior Variant(VariantPosterior? evidence, double pooledRate)
    {
        var (conversions, failures) = Counts(evidence);
        var k = NextBestActionPolicy.PriorStrengthAt(pooledRate);
        return new BetaPosterior(k * pooledRate + conversions, k * (1 - pooledRate) + failures);
    }

    public static BetaPosterior Segment(BetaPosterior variant, VariantPosterior? segmentEvidence, double shrinkage)
    {
        if (segmentEvidence is null) return variant;
        var s = Math.Min(shrinkage, variant.Strength);
        var (conversions, failures) = Counts(segmentEvidence);
        return new BetaPosterior(s * variant.Mean + conversions, s * (1 - variant.Mean) + failures);
    }

    /// <summary>
    /// Value of one conversion of an action: the campaign's stated value until the action has
    /// observed revenue, then the observed revenue per conversion, shrunk towards the stated value
    /// by <see cref="ValuePriorConversions"/> pseudo-conversions. Conversions that carry no value at
    /// all (signups) leave the stated value in force rather than pricing every conversion at zero.
    /// </summary>
    public static double ValuePerConversion(decimal statedValue, VariantPosterior? evidence) =>
        evidence is null || evidence.Conversions == 0 || evidence.Revenue <= 0
            ? (double)statedValue
            : ((double)statedValue * ValuePriorConversions + (double)evidence.Revenue) / (ValuePriorConversions + evidence.Conversions);

    public const double ValuePriorConversions = 10;

    private static (long Conversions, long Failures) Counts(VariantPosterior? evidence)
    {
        var conversions = evidence?.Conversions ?? 0;
        return (conversions, Math.Max(0, (evidence?.Deliveries ?? 0) - conversions));
    }
}
