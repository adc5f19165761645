using CsCheck;
using MarketingActors.Campaigns;
using MarketingActors.Core.Decisions;
using MarketingActors.Core.Profiles;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Grains.Core.Decisions;

/// <summary>Segment posteriors shrink towards the variant's campaign-wide posterior until the segment has the data.</summary>
public class SegmentShrinkageSpec
{
    private static VariantPosterior Evidence(long deliveries, long conversions, decimal revenue = 0) =>
        new() { ActionId = "mens", Deliveries = deliveries, Conversions = conversions, Revenue = revenue };

    [Fact]
    public void A_segment_without_evidence_samples_exactly_the_campaign_wide_posterior()
    {
        var variant = SegmentShrinkage.Variant(Evidence(4_000, 50), pooledRate: 0.01);

        Assert.Equal(variant, SegmentShrinkage.Segment(variant, segmentEvidence: null, shrinkage: 1_500));
        // Prior worth 3 conversions at the pooled 1%: 300 pseudo-deliveries.
        Assert.Equal(3 + 50, variant.Alpha, 9);
        Assert.Equal(297 + 3_950, variant.Beta, 9);
    }

    [Fact]
    public void The_segment_mean_lies_between_the_campaign_mean_and_the_segment_rate_and_approaches_the_rate_with_data()
    {
        Gen.Select(Gen.Int[0, 100_000], Gen.Double[0, 1], Gen.Int[1, 50_000], Gen.Double[0, 1], Gen.Double[1, 10_000])
            .Sample((campaignDeliveries, campaignRate, segmentDeliveries, segmentRate, shrinkage) =>
            {
                var variant = SegmentShrinkage.Variant(Evidence(campaignDeliveries, (long)(campaignDeliveries * campaignRate)), pooledRate: 0.02);
                var conversions = (long)(segmentDeliveries * segmentRate);
                var segment = SegmentShrinkage.Segment(variant, Evidence(segmentDeliveries, conversions), shrinkage);
                var more = SegmentShrinkage.Segment(variant, Evidence(segmentDeliveries * 4L, conversions * 4), shrinkage);
                var rate = conversions / (double)segmentDeliveries;
                var (low, high) = (Math.Min(variant.Mean, rate), Math.Max(variant.Mean, rate));

                Assert.InRange(segment.Mean, low - 1e-12, high + 1e-12);
                Assert.True(Math.Abs(more.Mean - rate) <= Math.Abs(segment.Mean - rate) + 1e-12);
                // The prior weight never exceeds the campaign-wide evidence nor the configured shrinkage.
                Assert.True(segment.Strength - segmentDeliveries <= Math.Min(shrinkage, variant.Strength) + 1e-9);
            });
    }

    [Fact]
    public void A_conversion_is_worth_the_stated_value_until_revenue_is_observed_then_the_shrunk_observed_average()
    {
        Assert.Equal(100, SegmentShrinkage.ValuePerConversion(100m, null));
        Assert.Equal(100, SegmentShrinkage.ValuePerConversion(100m, Evidence(500, 5, revenue: 0)));
        // (100 × 10 + 30 × 150) / (10 + 30) = 137.5
        Assert.Equal(137.5, SegmentShrinkage.ValuePerConversion(100m, Evidence(2_000, 30, revenue: 4_500m)), 9);
    }

    [Fact]
    public void A_segment_where_the_womens_mail_converts_better_ranks_it_first_while_the_campaign_as_a_whole_prefers_mens()
    {
        var campaign = new CampaignDefinition
        {
            Id = "hs", Name = "hs", Status = CampaignStatus.Active, ConversionValue = 100m,
            Actions = [new() { Id = "mens", Channel = "web", Variant = "m" }, new() { Id = "womens", Channel = "web", Variant = "w" }],
            Segments = new() { Dimensions = [new() { Trait = "womens" }], Shrinkage = 200 },
        };
        var evidence = VariantEvidence.Of(
            [Evidence(20_000, 300) with { ActionId = "mens" }, Evidence(20_000, 200) with { ActionId = "womens" }],
            [new SegmentEvidence { Segment = "womens=1", Variants = [Evidence(5_000, 25) with { ActionId = "mens" }, Evidence(5_000, 100) with { ActionId = "womens" }] }]);
        var customer = TestCustomers.Score(new BehaviourProfile(), TestCustomers.T0);

        int WomensFirst(string? segment) => Enumerable.Range(0, 200).Count(seed =>
            NextBestActionPolicy.Rank(campaign, [], null, customer, evidence, segment, new Random(seed)).Eligible[0].Action.Id == "womens");

        Assert.True(WomensFirst("womens=1") >= 190, $"womens first in its segment {WomensFirst("womens=1")}/200");
        Assert.True(WomensFirst("womens=0") <= 10, $"womens first elsewhere {WomensFirst("womens=0")}/200");
    }
}
