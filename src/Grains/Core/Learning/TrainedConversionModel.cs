using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MarketingActors.Core.Profiles;
using MarketingActors.Learning;

namespace MarketingActors.Core.Learning;

/// <summary>
/// A trained FastTree ensemble flattened into arrays, so scoring one event is a few hundred
/// comparisons and no allocation (ML.NET's PredictionEngine costs far more per call and is not
/// thread-safe). Probability = 1 / (1 + e^(slope·raw + offset)), ML.NET's Platt calibration.
/// Nodes of tree t start at <c>_nodeStart[t]</c>; a negative child index ~k is leaf k of that tree.
/// A node is one 16-byte struct (one cache line holds four) and the walk has no bounds checks:
/// indices are validated once, here, when the model is built.
/// </summary>
public sealed class TrainedConversionModel : IConversionModel
{
    private readonly int[] _nodeStart;
    private readonly int[] _root;
    private readonly int[] _leafStart;
    private readonly Node[] _nodes;
    private readonly double[] _leafValue;
    private readonly double[] _treeWeight;
    private readonly double _bias;
    private readonly double _slope;
    private readonly double _offset;

    public TrainedConversionModel(string version, int featureCount, IReadOnlyList<FlatTree> trees, double bias, double slope, double offset)
    {
        Version = version;
        FeatureCount = featureCount;
        _bias = bias;
        _slope = slope;
        _offset = offset;
        _nodeStart = new int[trees.Count];
        _leafStart = new int[trees.Count];
        _treeWeight = [.. trees.Select(t => t.Weight)];
        // A tree that never split is a single leaf: start there.
        _root = [.. trees.Select(t => t.Feature.Length == 0 ? ~0 : 0)];
        int nodes = 0, leaves = 0;
        for (var t = 0; t < trees.Count; t++)
        {
            _nodeStart[t] = nodes;
            _leafStart[t] = leaves;
            nodes += trees[t].Feature.Length;
            leaves += trees[t].LeafValue.Length;
        }
        _nodes = [.. trees.SelectMany(t => t.Feature.Select((f, i) => new Node(f, t.Threshold[i], t.Left[i], t.Right[i])))];
        _leafValue = [.. trees.SelectMany(t => t.LeafValue)];
        foreach (var tree in trees) Check(tree, featureCount);
    }

    public string Version { get; }

    public int FeatureCount { get; }

    public int Trees => _nodeStart.Length;

    public double Score(ReadOnlySpan<float> features) => 1.0 / (1.0 + Math.Exp(_slope * RawScore(features) + _offset));

    public double RawScore(ReadOnlySpan<float> features)
    {
        if (features.Length < FeatureCount) throw new ArgumentException($"expected {FeatureCount} features, got {features.Length}", nameof(features));
        ref var f = ref MemoryMarshal.GetReference(features);
        ref var nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        var sum = _bias;
        for (var t = 0; t < _nodeStart.Length; t++)
        {
            var node = _root[t];
            var start = _nodeStart[t];
            while (node >= 0)
            {
                ref var n = ref Unsafe.Add(ref nodes, start + node);
                node = Unsafe.Add(ref f, n.Feature) <= n.Threshold ? n.Left : n.Right;
            }
            sum += _treeWeight[t] * _leafValue[_leafStart[t] + ~node];
        }
        return sum;
    }

    /// <summary>
    /// Every split on a schema feature; every child a leaf of the same tree or a later node (FastTree
    /// numbers nodes in split order), so the walk cannot leave its arrays or loop.
    /// </summary>
    private static void Check(FlatTree tree, int featureCount)
    {
        var nodes = tree.Feature.Length;
        bool Valid(int child, int parent) => child >= 0 ? child > parent && child < nodes : ~child < tree.LeafValue.Length;
        var consistent = tree.Threshold.Length == nodes && tree.Left.Length == nodes && tree.Right.Length == nodes &&
            tree.LeafValue.Length == nodes + 1 && tree.Feature.All(f => f >= 0 && f < featureCount) &&
            tree.Left.Select(Valid).All(v => v) && tree.Right.Select(Valid).All(v => v);
        if (!consistent) throw new LearningException(LearningReasons.IncompatibleModel, "a tree's splits or children fall outside the model");
    }

    private readonly record struct Node(int Feature, float Threshold, int Left, int Right);
}

/// <summary>One regression tree as parallel arrays (internal nodes) plus its leaf values.</summary>
public sealed record FlatTree(int[] Feature, float[] Threshold, int[] Left, int[] Right, double[] LeafValue, double Weight);
