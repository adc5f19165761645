using System.Collections.Concurrent;
using System.Collections.Frozen;
using MarketingActors.Campaigns;
using MarketingActors.Decisions;
using MarketingActors.Services.Campaigns;

namespace MarketingActors.Core.Decisions;

/// <summary>
/// What the ranking knows about a campaign's variants: the campaign-wide posteriors and, when
/// the campaign is segmented, the posteriors per segment; for the contextual policy, each arm's
/// evidence, turned into its posterior once per snapshot on first use. Immutable, swapped whole
/// by the <see cref="CampaignDirectory"/> when a report answer brings new evidence.
/// </summary>
public sealed class VariantEvidence
{
    public static readonly VariantEvidence None = new(FrozenDictionary<string, VariantPosterior>.Empty, FrozenDictionary<string, FrozenDictionary<string, VariantPosterior>>.Empty,
        FrozenDictionary<string, ArmStatistics>.Empty);

    // Keyed by everything a posterior depends on: None is one instance shared by every campaign without evidence yet.
    private readonly ConcurrentDictionary<(string Arm, bool Control, decimal ConversionValue, double WeightPrecision, PriorTest? PriorTest), ArmPosterior> _posteriors = new();

    public IReadOnlyDictionary<string, VariantPosterior> Campaign { get; }
    public IReadOnlyDictionary<string, FrozenDictionary<string, VariantPosterior>> Segments { get; }
    /// <summary>Campaign-wide conversion rate per delivery, smoothed (computed once per snapshot, not per decision).</summary>
    public double PooledRate { get; }

    /// <summary>The contextual policy's evidence per arm.</summary>
    public IReadOnlyDictionary<string, ArmStatistics> Arms { get; }

    private VariantEvidence(IReadOnlyDictionary<string, VariantPosterior> campaign, IReadOnlyDictionary<string, FrozenDictionary<string, VariantPosterior>> segments,
        IReadOnlyDictionary<string, ArmStatistics> arms)
    {
        Campaign = campaign;
        Segments = segments;
        Arms = arms;
        PooledRate = NextBestActionPolicy.PooledRate(campaign.Values);
    }

    public static VariantEvidence Of(IEnumerable<VariantPosterior> campaign, IEnumerable<SegmentEvidence>? segments = null, IEnumerable<ArmStatistics>? arms = null) => new(
        campaign.ToFrozenDictionary(p => p.ActionId),
        (segments ?? []).ToFrozenDictionary(s => s.Segment, s => s.Variants.ToFrozenDictionary(p => p.ActionId)),
        (arms ?? []).ToFrozenDictionary(a => a.ArmId));

    /// <summary>
    /// An arm's posterior for the contextual policy (one with no evidence yet is the pooled prior).
    /// A <paramref name="control"/> option sends nothing, as the holdout does: its evidence is its own plus the holdout's.
    /// The campaign's <see cref="PriorTest"/>, if any, counts as evidence before the campaign's own.
    /// </summary>
    public ArmPosterior PosteriorOf(string armId, CampaignDefinition campaign, PolicyOptions options, bool control = false) =>
        _posteriors.GetOrAdd((armId, control, campaign.ConversionValue, options.WeightPrecision, campaign.Policy?.PriorTest), key =>
        {
            var arms = PriorTestEvidence.With(Arms, key.PriorTest, DecisionContext.Dimension);
            var prior = PolicyPrior.Pool(arms.Values, (double)key.ConversionValue, key.WeightPrecision);
            var own = arms.GetValueOrDefault(key.Arm) ?? new ArmStatistics { ArmId = key.Arm };
            if (key.Control && arms.GetValueOrDefault(ArmStatistics.HoldoutArm) is { } holdout) own = own.Plus(holdout with { ArmId = key.Arm });
            return ArmPosterior.Of(own, prior, DecisionContext.Dimension);
        });

    /// <summary>The segment's posterior of an action, or null when the segment has no evidence of it.</summary>
    public VariantPosterior? In(string? segment, string actionId) =>
        segment is not null && Segments.TryGetValue(segment, out var variants) ? variants.GetValueOrDefault(actionId) : null;
}
