using MarketingActors.Learning;
namespace MarketingActors.Core.Learning;

/// <summary>
/// Holdout metrics of a probability model: AUC (probability that a random positive outranks a
/// random negative, ties count half), log-loss, Brier score and a 10-bin reliability table.
/// </summary>
public static class ModelEvaluation
{
    public const int ReliabilityBins = 10;
    private const double Epsilon = 1e-15;

    public static ModelMetrics Evaluate(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        double logLoss = 0, brier = 0;
        var positives = 0;
        var bins = new (double Sum, int Positives, int Count)[ReliabilityBins];
        for (var i = 0; i < scores.Count; i++)
        {
            var p = Math.Clamp(scores[i], Epsilon, 1 - Epsilon);
            var y = labels[i] ? 1.0 : 0.0;
            if (labels[i]) positives++;
            logLoss -= y * Math.Log(p) + (1 - y) * Math.Log(1 - p);
            brier += (scores[i] - y) * (scores[i] - y);
            var b = Math.Min(ReliabilityBins - 1, (int)(scores[i] * ReliabilityBins));
            bins[b] = (bins[b].Sum + scores[i], bins[b].Positives + (labels[i] ? 1 : 0), bins[b].Count + 1);
        }
        var n = Math.Max(1, scores.Count);
        return new ModelMetrics
        {
            Auc = Auc(scores, labels),
            LogLoss = logLoss / n,
            Brier = brier / n,
            Reliability = [.. bins.Where(b => b.Count > 0).Select(b => new ReliabilityBin
            {
                MeanPredicted = b.Sum / b.Count,
                ObservedRate = (double)b.Positives / b.Count,
                Count = b.Count,
            })],
            HoldoutRows = scores.Count,
            HoldoutPositives = positives,
        };
    }

    /// <summary>Mann–Whitney AUC with average ranks for ties; NaN when either class is absent.</summary>
    public static double Auc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double rankSumPositives = 0;
        long positives = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]]) end++;
            var averageRank = (start + end) / 2.0 + 1;
            for (var k = start; k <= end; k++)
            {
                if (!labels[order[k]]) continue;
                rankSumPositives += averageRank;
                positives++;
            }
            start = end + 1;
        }
        var negatives = order.Length - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        return (rankSumPositives - positives * (positives + 1) / 2.0) / (positives * (double)negatives);
    }
}

/// <summary>
/// Population stability index of live scores against a reference distribution, on the reference's
/// decile edges: PSI = Σ (live − ref)·ln(live / ref). Below 0.1 stable, 0.1–0.25 drifting, above 0.25 shifted.
/// </summary>
[GenerateSerializer, Alias("ma.score-reference")]
public sealed class ScoreReference
{
    private const double Floor = 1e-4;

    /// <summary>Upper edges of the first nine bins; the last bin is open.</summary>
    [Id(0)] public double[] Edges { get; init; } = [];
    [Id(1)] public double[] Proportions { get; init; } = [];

    public static ScoreReference Of(IReadOnlyList<double> scores, int bins = 10)
    {
        var sorted = scores.Order().ToArray();
        var edges = Enumerable.Range(1, bins - 1).Select(i => sorted[Math.Min(sorted.Length - 1, i * sorted.Length / bins)]).Distinct().ToArray();
        return new ScoreReference { Edges = edges, Proportions = Histogram(edges, scores) };
    }

    public double Psi(IReadOnlyCollection<double> live)
    {
        var actual = Histogram(Edges, live);
        double psi = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            var a = Math.Max(actual[i], Floor);
            var e = Math.Max(Proportions[i], Floor);
            psi += (a - e) * Math.Log(a / e);
        }
        return psi;
    }

    private static double[] Histogram(double[] edges, IEnumerable<double> scores)
    {
        var counts = new double[edges.Length + 1];
        var n = 0;
        foreach (var s in scores)
        {
            var bin = Array.BinarySearch(edges, s);
            counts[bin < 0 ? ~bin : bin]++;
            n++;
        }
        for (var i = 0; i < counts.Length; i++) counts[i] /= Math.Max(1, n);
        return counts;
    }
}
