using System.Security.Cryptography;
using System.Text;
using MarketingActors.Learning;

namespace MarketingActors.Core.Learning;

/// <summary>Identifies a feature vector layout, so a model is never served features in an order it was not trained on.</summary>
public static class FeatureSchema
{
    public static string HashOf(IReadOnlyList<string> names) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', names))))[..16];

    /// <summary>Throws <see cref="LearningException"/> for a wrong length or a NaN/∞ value.</summary>
    public static void Check(ReadOnlySpan<float> features, int expected)
    {
        if (features.Length != expected)
            throw new LearningException(LearningReasons.FeatureLengthMismatch, $"expected {expected} features, got {features.Length}");
        for (var i = 0; i < features.Length; i++)
        {
            if (!float.IsFinite(features[i]))
                throw new LearningException(LearningReasons.NonFiniteFeature, $"feature {i} is {features[i]}");
        }
    }

    public static bool IsValid(ReadOnlySpan<float> features, int expected)
    {
        if (features.Length != expected) return false;
        foreach (var f in features)
        {
            if (!float.IsFinite(f)) return false;
        }
        return true;
    }
}
