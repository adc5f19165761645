using MarketingActors.Campaigns;
using MarketingActors.Core.Profiles;

namespace MarketingActors.Core.Decisions;

/// <summary>
/// The vector the contextual policy sees for a customer: a constant (the arm's baseline), the
/// behavioural features of <see cref="CustomerFeatures"/> (the same function scoring and training
/// use; day counts scaled to years so no feature dwarfs the others), and the campaign's context
/// dimensions, each "dimension=value" one-hot in one of <see cref="TraitSlots"/> slots by a
/// stable hash (so trait vocabularies need not be known in advance; a collision shares a slot).
/// </summary>
public static class DecisionContext
{
    public const int TraitSlots = 16;
    public const int FirstFeature = 1;
    public static readonly int FirstTraitSlot = FirstFeature + CustomerFeatures.Count;
    public static readonly int Dimension = FirstTraitSlot + TraitSlots;
    private const double Clamp = 10;

    public static double[] Of(ScoredCustomer customer, IReadOnlyList<SegmentDimension> context)
    {
        var x = new double[Dimension];
        x[0] = 1;
        var features = customer.Features;
        for (var i = 0; i < features.Length && i < CustomerFeatures.Count; i++)
        {
            double f = features[i];
            if (i is CustomerFeatures.Slot.RecencyDays or CustomerFeatures.Slot.TenureDays) f /= CustomerFeatures.MaxDays;
            x[FirstFeature + i] = Math.Clamp(f, -Clamp, Clamp);
        }
        foreach (var d in context)
        {
            x[FirstTraitSlot + SlotOf(SegmentKey.NameOf(d), SegmentKey.ValueOf(d, customer.Profile.Traits, features))] += 1;
        }
        return x;
    }

    /// <summary>FNV-1a over "name=value": the same slot in every process (string.GetHashCode is randomized per process).</summary>
    public static int SlotOf(string name, string value)
    {
        var hash = 2166136261u;
        foreach (var c in name) hash = (hash ^ c) * 16777619u;
        hash = (hash ^ '=') * 16777619u;
        foreach (var c in value) hash = (hash ^ c) * 16777619u;
        return (int)(hash % TraitSlots);
    }
}
