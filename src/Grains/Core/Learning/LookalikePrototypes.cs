using MarketingActors.Learning;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MarketingActors.Core.Learning;

/// <summary>
/// "Looks like past high-value customers": KMeans prototypes of the feature vectors of the top
/// converters by value, in standardized feature space. Similarity is an RBF kernel on the distance
/// to the nearest prototype, exp(−d² / 2σ²), with σ² the mean squared distance of those top
/// converters to their own nearest prototype, so a typical top converter scores about e^(−½) ≈ 0.6.
/// </summary>
public static class LookalikePrototypes
{
    public sealed record Settings(int Clusters = 4, double TopFraction = 0.25, int MinConverters = 8, int Seed = 7);

    private sealed class Point
    {
        public float[] Features { get; set; } = [];
    }

    /// <summary>Null when there are too few valued converters to say what a high-value customer looks like.</summary>
    public static LookalikeProfile? Build(IReadOnlyList<TrainingRow> rows, int featureCount, Settings settings)
    {
        var converters = rows.Where(r => r.Converted && r.Value > 0).OrderByDescending(r => r.Value).ToList();
        var top = converters.Take(Math.Max(settings.MinConverters, (int)(converters.Count * settings.TopFraction))).ToList();
        if (top.Count < settings.MinConverters) return null;

        var (means, scales) = Standardization(rows, featureCount);
        var points = top.Select(r => Standardize(r.Features, means, scales)).ToList();
        var k = Math.Max(1, Math.Min(settings.Clusters, points.Count / 4));
        var ml = new MLContext(seed: settings.Seed);
        var schema = SchemaDefinition.Create(typeof(Point));
        schema[nameof(Point.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        var data = ml.Data.LoadFromEnumerable(points.Select(p => new Point { Features = p }), schema);
        var model = ml.Clustering.Trainers.KMeans(nameof(Point.Features), numberOfClusters: k).Fit(data).Model;
        VBuffer<float>[] centroids = [];
        model.GetClusterCentroids(ref centroids, out var found);
        var prototypes = centroids.Take(found).Select(c => c.DenseValues().ToArray()).ToArray();

        var meanSquared = points.Average(p => prototypes.Min(c => SquaredDistance(p, c)));
        return new LookalikeProfile { Prototypes = prototypes, Means = means, Scales = scales, Bandwidth = Math.Max(meanSquared, 1e-6) };
    }

    public static double Similarity(LookalikeProfile profile, ReadOnlySpan<float> features)
    {
        var nearest = double.MaxValue;
        foreach (var prototype in profile.Prototypes)
        {
            double d = 0;
            for (var i = 0; i < prototype.Length; i++)
            {
                var z = (features[i] - profile.Means[i]) / profile.Scales[i] - prototype[i];
                d += z * z;
            }
            nearest = Math.Min(nearest, d);
        }
        return profile.Prototypes.Length == 0 ? 0 : Math.Exp(-nearest / (2 * profile.Bandwidth));
    }

    private static (float[] Means, float[] Scales) Standardization(IReadOnlyList<TrainingRow> rows, int featureCount)
    {
        var means = new double[featureCount];
        var squares = new double[featureCount];
        foreach (var r in rows)
        {
            for (var i = 0; i < featureCount; i++)
            {
                means[i] += r.Features[i];
                squares[i] += (double)r.Features[i] * r.Features[i];
            }
        }
        var scales = new float[featureCount];
        for (var i = 0; i < featureCount; i++)
        {
            means[i] /= rows.Count;
            var variance = squares[i] / rows.Count - means[i] * means[i];
            // A constant feature keeps scale 1 so it neither divides by zero nor dominates.
            scales[i] = variance > 1e-12 ? (float)Math.Sqrt(variance) : 1f;
        }
        return ([.. means.Select(m => (float)m)], scales);
    }

    private static float[] Standardize(float[] features, float[] means, float[] scales)
    {
        var z = new float[features.Length];
        for (var i = 0; i < z.Length; i++) z[i] = (features[i] - means[i]) / scales[i];
        return z;
    }

    private static double SquaredDistance(float[] a, float[] b)
    {
        double d = 0;
        for (var i = 0; i < a.Length; i++) d += (a[i] - b[i]) * (a[i] - b[i]);
        return d;
    }
}
