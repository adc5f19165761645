using MarketingActors.Campaigns;
namespace MarketingActors.Core.Campaigns;

/// <summary>
/// The campaign grain's variant evidence per customer segment, bounded: the first
/// <see cref="SegmentDefinition.MaxSegments"/> segments seen get their own posteriors; evidence of
/// later ones still counts campaign-wide (the ranking then falls back to the campaign posterior).
/// First come rather than evicting, so a segment's evidence never silently restarts.
/// </summary>
public static class SegmentPosteriors
{
    public static VariantPosterior Plus(VariantPosterior? posterior, VariantTally tally)
    {
        var v = posterior ?? new VariantPosterior { ActionId = tally.ActionId };
        return v with
        {
            Decisions = v.Decisions + tally.Decisions,
            Deliveries = v.Deliveries + tally.Deliveries,
            Failures = v.Failures + tally.Failures,
            Conversions = v.Conversions + tally.Conversions,
            Revenue = v.Revenue + tally.Revenue,
        };
    }

    /// <summary>Adds a tally to its segment; false when it has no segment or the store is full and the segment new.</summary>
    public static bool Add(Dictionary<string, Dictionary<string, VariantPosterior>> store, VariantTally tally, int maxSegments)
    {
        if (tally.Segment is not { } segment) return false;
        if (!store.TryGetValue(segment, out var variants))
        {
            if (store.Count >= maxSegments) return false;
            store[segment] = variants = new Dictionary<string, VariantPosterior>();
        }
        variants[tally.ActionId] = Plus(variants.GetValueOrDefault(tally.ActionId), tally);
        return true;
    }

    public static SegmentEvidence[] Evidence(Dictionary<string, Dictionary<string, VariantPosterior>> store) =>
        [.. store.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new SegmentEvidence { Segment = s.Key, Variants = [.. s.Value.Values] })];
}
