using System.Globalization;
using System.Text;
using MarketingActors.Campaigns;
using MarketingActors.Core.Profiles;

namespace MarketingActors.Core.Decisions;

/// <summary>
/// The segment a customer falls in for a campaign's variant learning: "dimension=value" pairs
/// joined by '|', e.g. "mens=1|womens=0|history=100..500". Deterministic and cheap (one small
/// string per decision); a missing or unreadable value is its own value "?", so every customer
/// has a segment.
/// </summary>
public static class SegmentKey
{
    public const int MaxDimensions = 4;
    public const int MaxBuckets = 8;
    public const int MaxSegments = 256;
    /// <summary>Longest trait value kept as is; longer values are cut so that keys stay small.</summary>
    public const int MaxValueLength = 24;
    public const string Missing = "?";

    public static string? Of(SegmentDefinition? definition, IReadOnlyDictionary<string, string> traits, ReadOnlySpan<float> features)
    {
        if (definition is null || definition.Dimensions.Length == 0) return null;
        var key = new StringBuilder(48);
        foreach (var d in definition.Dimensions)
        {
            if (key.Length > 0) key.Append('|');
            key.Append(NameOf(d)).Append('=').Append(ValueOf(d, traits, features));
        }
        return key.ToString();
    }

    /// <summary>A customer's value on one dimension: the trait's value, its bucket, or <see cref="Missing"/>.</summary>
    public static string ValueOf(SegmentDimension d, IReadOnlyDictionary<string, string> traits, ReadOnlySpan<float> features)
    {
        if (d.Feature is { } feature)
        {
            var i = CustomerFeatures.IndexOf(feature);
            return i < 0 || i >= features.Length ? Missing : Bucket(d.Buckets, features[i]);
        }
        if (!traits.TryGetValue(d.Trait!, out var raw) || string.IsNullOrWhiteSpace(raw)) return Missing;
        if (d.Buckets.Length == 0) return Categorical(raw);
        return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? Bucket(d.Buckets, v) : Missing;
    }

    public static string NameOf(SegmentDimension d) => d.Feature ?? d.Trait!;

    /// <summary>"&lt;c₁", "cᵢ..cᵢ₊₁" or "≥cₙ" (written "&gt;=cₙ").</summary>
    public static string Bucket(double[] cuts, double value)
    {
        var i = 0;
        while (i < cuts.Length && value >= cuts[i]) i++;
        return i == 0 ? "<" + Show(cuts[0]) : i == cuts.Length ? ">=" + Show(cuts[^1]) : Show(cuts[i - 1]) + ".." + Show(cuts[i]);
    }

    private static string Categorical(string raw)
    {
        var v = raw.Trim().ToLowerInvariant();
        return v.Length <= MaxValueLength ? v : v[..MaxValueLength];
    }

    private static string Show(double x) => x.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>Every problem with a definition, for the campaign validator ("segments…: reason").</summary>
    public static IEnumerable<string> Validate(SegmentDefinition? definition)
    {
        if (definition is null) yield break;
        if (definition.Dimensions is null || definition.Dimensions.Any(d => d?.Buckets is null))
        {
            yield return "segments.dimensions: a list of dimensions, each with a buckets list";
            yield break;
        }
        if (definition.Dimensions.Length is 0 or > MaxDimensions) yield return $"segments.dimensions: 1 to {MaxDimensions}";
        if (definition.MaxSegments is < 1 or > MaxSegments) yield return $"segments.maxSegments: 1 to {MaxSegments}";
        if (!double.IsFinite(definition.Shrinkage) || definition.Shrinkage is < 1 or > 1_000_000) yield return "segments.shrinkage: 1 to 1000000 deliveries";
        foreach (var problem in ValidateDimensions(definition.Dimensions, "segments.dimensions")) yield return problem;
    }

    /// <summary>Every problem with a list of dimensions (a segment definition's, or a decision policy's context), each "path[i]…: reason".</summary>
    public static IEnumerable<string> ValidateDimensions(SegmentDimension[] dimensions, string path)
    {
        var names = new HashSet<string>();
        for (var i = 0; i < dimensions.Length; i++)
        {
            var d = dimensions[i];
            var at = $"{path}[{i}]";
            if (d is null || d.Buckets is null) { yield return $"{at}: a dimension with a buckets list"; continue; }
            if ((d.Trait is null) == (d.Feature is null)) { yield return $"{at}: exactly one of trait or feature"; continue; }
            if (d.Trait is { } t && (string.IsNullOrWhiteSpace(t) || t.Length > 64)) yield return $"{at}.trait: a trait name of at most 64 characters";
            if (d.Feature is { } f && CustomerFeatures.IndexOf(f) < 0) yield return $"{at}.feature: one of {string.Join(", ", CustomerFeatures.Names)}";
            if (d.Feature is not null && d.Buckets.Length == 0) yield return $"{at}.buckets: a feature needs cut points";
            if (d.Buckets.Length > MaxBuckets) yield return $"{at}.buckets: at most {MaxBuckets} cut points";
            for (var b = 0; b < d.Buckets.Length; b++)
            {
                if (!double.IsFinite(d.Buckets[b]) || (b > 0 && d.Buckets[b] <= d.Buckets[b - 1])) { yield return $"{at}.buckets: finite and strictly ascending"; break; }
            }
            if (!names.Add(NameOf(d) ?? "")) yield return $"{at}: dimension '{NameOf(d)}' appears twice";
        }
    }
}
