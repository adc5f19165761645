using CsCheck;
using MarketingActors.Campaigns;
using MarketingActors.Core.Decisions;
using MarketingActors.Core.Profiles;

namespace MarketingActors.Tests.Grains.Core.Decisions;

/// <summary>A customer's segment: "dimension=value" pairs from traits as given, bucketed traits or bucketed features.</summary>
public class SegmentKeySpec
{
    private static readonly SegmentDefinition BuyersBySpend = new()
    {
        Dimensions = [new() { Trait = "mens" }, new() { Trait = "history", Buckets = [100, 500] }, new() { Feature = "recency_days", Buckets = [7] }],
    };

    private static readonly float[] Features = new float[CustomerFeatures.Names.Length];

    [Fact]
    public void Joins_the_trait_value_the_spend_bucket_and_the_feature_bucket()
    {
        var features = (float[])Features.Clone();
        features[CustomerFeatures.IndexOf("recency_days")] = 30;

        var key = SegmentKey.Of(BuyersBySpend, new Dictionary<string, string> { ["mens"] = " 1 ", ["history"] = "142.44" }, features);

        Assert.Equal("mens=1|history=100..500|recency_days=>=7", key);
    }

    [Fact]
    public void A_missing_or_unreadable_value_is_its_own_segment_and_a_campaign_without_segments_has_none()
    {
        Assert.Equal("mens=?|history=?|recency_days=<7", SegmentKey.Of(BuyersBySpend, new Dictionary<string, string> { ["history"] = "lots" }, Features));
        Assert.Null(SegmentKey.Of(null, new Dictionary<string, string> { ["mens"] = "1" }, Features));
    }

    [Fact]
    public void Every_value_lands_in_the_one_bucket_whose_bounds_hold_it()
    {
        Gen.Double[-1000, 1000].Array[1, SegmentKey.MaxBuckets].Select(a => a.Distinct().Order().ToArray())
            .Select(Gen.Double[-2000, 2000], (cuts, value) => (cuts, value))
            .Sample(t =>
            {
                var label = SegmentKey.Bucket(t.cuts, t.value);
                var matching = Enumerable.Range(0, t.cuts.Length + 1).Count(i =>
                    (i == 0 || t.value >= t.cuts[i - 1]) && (i == t.cuts.Length || t.value < t.cuts[i]));
                Assert.Equal(1, matching);
                var distinct = t.cuts.Select(c => SegmentKey.Bucket(t.cuts, c)).Prepend(SegmentKey.Bucket(t.cuts, t.cuts[0] - 1)).Distinct().Count();
                Assert.Equal(t.cuts.Length + 1, distinct);
                Assert.False(string.IsNullOrEmpty(label));
            });
    }

    [Theory]
    [InlineData("dimensions", "segments.dimensions: 1 to 4")]
    [InlineData("both", "segments.dimensions[0]: exactly one of trait or feature")]
    [InlineData("feature", "segments.dimensions[0].feature: one of")]
    [InlineData("unbucketed-feature", "segments.dimensions[0].buckets: a feature needs cut points")]
    [InlineData("descending", "segments.dimensions[0].buckets: finite and strictly ascending")]
    [InlineData("twice", "segments.dimensions[1]: dimension 'mens' appears twice")]
    [InlineData("max", "segments.maxSegments: 1 to 256")]
    [InlineData("shrinkage", "segments.shrinkage: 1 to 1000000 deliveries")]
    public void A_bad_definition_is_refused_with_the_reason(string flaw, string expected)
    {
        var definition = flaw switch
        {
            "dimensions" => new SegmentDefinition(),
            "both" => new SegmentDefinition { Dimensions = [new() { Trait = "mens", Feature = "frequency" }] },
            "feature" => new SegmentDefinition { Dimensions = [new() { Feature = "shoe_size", Buckets = [40] }] },
            "unbucketed-feature" => new SegmentDefinition { Dimensions = [new() { Feature = "frequency" }] },
            "descending" => new SegmentDefinition { Dimensions = [new() { Trait = "history", Buckets = [500, 100] }] },
            "twice" => new SegmentDefinition { Dimensions = [new() { Trait = "mens" }, new() { Trait = "mens" }] },
            "max" => BuyersBySpend with { MaxSegments = 1000 },
            _ => BuyersBySpend with { Shrinkage = double.NaN },
        };

        Assert.Contains(SegmentKey.Validate(definition), e => e.StartsWith(expected, StringComparison.Ordinal));
        Assert.Empty(SegmentKey.Validate(BuyersBySpend));
    }
}
