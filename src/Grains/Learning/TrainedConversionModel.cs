using MarketingActors.Customers;

namespace MarketingActors.Learning;

/// <summary>
/// A trained FastTree ensemble flattened into arrays, so scoring one event is a few hundred
/// comparisons and no allocation (ML.NET's PredictionEngine costs far more per call and is not
/// thread-safe). Probability = 1 / (1 + e^(slope·raw + offset)), ML.NET's Platt calibration.
/// Nodes of tree t start at <c>_nodeStart[t]</c>; a negative child index ~k is leaf k of that tree.
/// </summary>
public sealed class TrainedConversionModel : IConversionModel
{
    private readonly int[] _nodeStart;
    private readonly int[] _root;
    private readonly int[] _leafStart;
    private readonly int[] _feature;
    private readonly float[] _threshold;
    private readonly int[] _left;
    private readonly int[] _right;
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
        _feature = [.. trees.SelectMany(t => t.Feature)];
        _threshold = [.. trees.SelectMany(t => t.Threshold)];
        _left = [.. trees.SelectMany(t => t.Left)];
        _right = [.. trees.SelectMany(t => t.Right)];
        _leafValue = [.. trees.SelectMany(t => t.LeafValue)];
        if (_feature.Any(f => f < 0 || f >= featureCount))
            throw new LearningException(LearningReasons.IncompatibleModel, "a tree splits on a feature outside the schema");
    }

    public string Version { get; }

    public int FeatureCount { get; }

    public int Trees => _nodeStart.Length;

    public double Score(ReadOnlySpan<float> features) => 1.0 / (1.0 + Math.Exp(_slope * RawScore(features) + _offset));

    public double RawScore(ReadOnlySpan<float> features)
    {
        var sum = _bias;
        for (var t = 0; t < _nodeStart.Length; t++)
        {
            var node = _root[t];
            while (node >= 0)
            {
                var i = _nodeStart[t] + node;
                node = features[_feature[i]] <= _threshold[i] ? _left[i] : _right[i];
            }
            sum += _treeWeight[t] * _leafValue[_leafStart[t] + ~node];
        }
        return sum;
    }
}

/// <summary>One regression tree as parallel arrays (internal nodes) plus its leaf values.</summary>
public sealed record FlatTree(int[] Feature, float[] Threshold, int[] Left, int[] Right, double[] LeafValue, double Weight);
