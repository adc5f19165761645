using CsCheck;
using MarketingActors.Campaigns;
using MarketingActors.Core.Campaigns;

namespace MarketingActors.Tests.Grains.Core.Campaigns;

/// <summary>The campaign grain's per-segment evidence: bounded, first come, and always a part of the campaign-wide evidence.</summary>
public class SegmentPosteriorsSpec
{
    [Fact]
    public void Never_holds_more_segments_than_allowed_and_never_more_evidence_than_the_campaign_as_a_whole()
    {
        var tally = Gen.Select(Gen.Int[0, 40], Gen.Int[0, 2].Select(i => new[] { "mens", "womens", "none" }[i]), Gen.Int[0, 5], Gen.Int[0, 3])
            .Select((segment, action, deliveries, conversions) => new VariantTally
            {
                ActionId = action, Segment = segment == 0 ? null : $"s{segment}", Deliveries = deliveries, Conversions = conversions, Revenue = conversions * 10m,
            });
        Gen.Select(Gen.Int[1, 20], tally.Array[0, 200]).Sample((max, tallies) =>
        {
            var store = new Dictionary<string, Dictionary<string, VariantPosterior>>();
            var campaign = new Dictionary<string, VariantPosterior>();
            var firstSegments = tallies.Where(t => t.Segment is not null).Select(t => t.Segment!).Distinct().Take(max).ToHashSet();

            foreach (var t in tallies)
            {
                campaign[t.ActionId] = SegmentPosteriors.Plus(campaign.GetValueOrDefault(t.ActionId), t);
                Assert.Equal(firstSegments.Contains(t.Segment ?? ""), SegmentPosteriors.Add(store, t, max));
            }

            Assert.True(store.Count <= max);
            Assert.True(store.Keys.ToHashSet().SetEquals(firstSegments));
            foreach (var (action, total) in campaign)
            {
                Assert.True(store.Values.Sum(s => s.GetValueOrDefault(action)?.Deliveries ?? 0) <= total.Deliveries);
                Assert.True(store.Values.Sum(s => s.GetValueOrDefault(action)?.Conversions ?? 0) <= total.Conversions);
            }
            var evidence = SegmentPosteriors.Evidence(store);
            Assert.Equal(evidence.Select(e => e.Segment).Order(StringComparer.Ordinal), evidence.Select(e => e.Segment));
        });
    }
}
