using MarketingActors.Campaigns;
using MarketingActors.Core.Campaigns;

namespace MarketingActors.Tests.Grains.Core.Campaigns;

public sealed class AudienceEstimationSpec
{
    private static AudienceProbe Matching(bool reachable) => new(true, true, reachable);

    [Fact]
    public void A_census_counts_exactly()
    {
        AudienceProbe[] probes = [Matching(true), Matching(false), new(true, false, false), AudienceProbe.Unknown];

        var estimate = AudienceEstimation.Estimate(4, probes, "email");

        Assert.True(estimate.Exact);
        Assert.Equal((2, 2, 2), (estimate.Matching.Estimate, estimate.Matching.Lower, estimate.Matching.Upper));
        Assert.Equal(1, estimate.Reachable!.Estimate);
        Assert.Equal(3, estimate.Known.Estimate);
    }

    [Fact]
    public void Without_a_channel_nothing_is_said_about_reach()
    {
        Assert.Null(AudienceEstimation.Estimate(1, [Matching(false)], null).Reachable);
    }

    [Fact]
    public void A_sample_scales_to_the_population_and_its_interval_covers_the_truth_about_95_percent_of_the_time()
    {
        // 10,000 live customers, 3,000 of them matching; 400 samples of 500 each.
        var population = Enumerable.Range(0, 10_000).Select(i => i < 3_000).ToArray();
        var random = new Random(7);
        var covered = 0;
        for (var run = 0; run < 400; run++)
        {
            var sample = AudienceEstimation.Sample(population, 500, random).Select(m => m ? Matching(false) : new AudienceProbe(true, false, false)).ToList();
            var estimate = AudienceEstimation.Estimate(population.Length, sample, null);
            Assert.False(estimate.Exact);
            Assert.Equal(500, estimate.Sampled);
            if (estimate.Matching.Lower <= 3_000 && 3_000 <= estimate.Matching.Upper) covered++;
        }

        Assert.InRange(covered / 400.0, 0.92, 0.98);
    }

    [Fact]
    public void A_sample_draws_each_member_at_most_once_and_all_of_a_small_population()
    {
        var sample = AudienceEstimation.Sample(Enumerable.Range(0, 1_000).ToArray(), 300, new Random(1));

        Assert.Equal(300, sample.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 5), AudienceEstimation.Sample(Enumerable.Range(0, 5).ToArray(), 300, new Random(1)).Order());
    }
}
