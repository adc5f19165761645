using System.Collections.Frozen;
using MarketingActors.Campaigns;
using MarketingActors.Services.Campaigns;

namespace MarketingActors.Core.Decisions;

/// <summary>
/// What the ranking knows about a campaign's variants: the campaign-wide posteriors and, when
/// the campaign is segmented, the posteriors per segment. Immutable, swapped whole by the
/// <see cref="CampaignDirectory"/> when a report answer brings new evidence.
/// </summary>
public sealed class VariantEvidence
{
    public static readonly VariantEvidence None = new(FrozenDictionary<string, VariantPosterior>.Empty, FrozenDictionary<string, FrozenDictionary<string, VariantPosterior>>.Empty);

    public IReadOnlyDictionary<string, VariantPosterior> Campaign { get; }
    public IReadOnlyDictionary<string, FrozenDictionary<string, VariantPosterior>> Segments { get; }
    /// <summary>Campaign-wide conversion rate per delivery, smoothed (computed once per snapshot, not per decision).</summary>
    public double PooledRate { get; }

    private VariantEvidence(IReadOnlyDictionary<string, VariantPosterior> campaign, IReadOnlyDictionary<string, FrozenDictionary<string, VariantPosterior>> segments)
    {
        Campaign = campaign;
        Segments = segments;
        PooledRate = NextBestActionPolicy.PooledRate(campaign.Values);
    }

    public static VariantEvidence Of(IEnumerable<VariantPosterior> campaign, IEnumerable<SegmentEvidence>? segments = null) => new(
        campaign.ToFrozenDictionary(p => p.ActionId),
        (segments ?? []).ToFrozenDictionary(s => s.Segment, s => s.Variants.ToFrozenDictionary(p => p.ActionId)));

    /// <summary>The segment's posterior of an action, or null when the segment has no evidence of it.</summary>
    public VariantPosterior? In(string? segment, string actionId) =>
        segment is not null && Segments.TryGetValue(segment, out var variants) ? variants.GetValueOrDefault(actionId) : null;
}
