using System.Text;
using MarketingActors.Learning;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Trainers.FastTree;

namespace MarketingActors.Core.Learning;

/// <summary>
/// The registry's byte format: a small header (magic, feature-schema hash, feature count) around
/// the ML.NET model zip, so a model can be refused before it is ever served features it was not
/// trained on, and still be opened by any ML.NET tool once the header is stripped.
/// </summary>
public static class ModelCodec
{
    private const string Magic = "marketing-actors/model/1";

    public static byte[] Wrap(string schemaHash, int featureCount, byte[] mlNetZip)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(schemaHash);
            writer.Write(featureCount);
            writer.Write(mlNetZip.Length);
            writer.Write(mlNetZip);
        }
        return stream.ToArray();
    }

    /// <summary>Loads bytes into a servable model, or throws <see cref="LearningException"/> saying why it cannot be served.</summary>
    public static TrainedConversionModel Load(string version, byte[] bytes, IReadOnlyList<string> featureNames)
    {
        var (schemaHash, featureCount, zip) = Unwrap(bytes);
        var expected = FeatureSchema.HashOf(featureNames);
        if (schemaHash != expected || featureCount != featureNames.Count)
            throw new LearningException(LearningReasons.FeatureSchemaMismatch,
                $"model {version} was trained on feature schema {schemaHash} ({featureCount} features); this engine computes {expected} ({featureNames.Count})");
        ITransformer transformer;
        try
        {
            using var stream = new MemoryStream(zip);
            transformer = new MLContext().Model.Load(stream, out _);
        }
        catch (Exception e) when (e is not LearningException)
        {
            throw new LearningException(LearningReasons.CorruptModel, $"model {version}: the ML.NET payload does not load ({e.GetType().Name})");
        }
        if (transformer is not ISingleFeaturePredictionTransformer<object> { Model: CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator> calibrated })
            throw new LearningException(LearningReasons.IncompatibleModel, $"model {version} is not a calibrated FastTree binary classifier ({transformer.GetType().Name})");
        return FromParameters(version, featureCount, calibrated);
    }

    public static TrainedConversionModel FromParameters(string version, int featureCount, CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator> model)
    {
        var ensemble = model.SubModel.TrainedTreeEnsemble;
        var trees = new List<FlatTree>(ensemble.Trees.Count);
        for (var t = 0; t < ensemble.Trees.Count; t++)
        {
            var tree = ensemble.Trees[t];
            if (tree.CategoricalSplitFlags.Any(c => c))
                throw new LearningException(LearningReasons.IncompatibleModel, $"model {version} has categorical splits, which the engine's dense features never produce");
            trees.Add(new FlatTree([.. tree.NumericalSplitFeatureIndexes], [.. tree.NumericalSplitThresholds],
                [.. tree.LeftChild], [.. tree.RightChild], [.. tree.LeafValues], ensemble.TreeWeights[t]));
        }
        return new TrainedConversionModel(version, featureCount, trees, ensemble.Bias, model.Calibrator.Slope, model.Calibrator.Offset);
    }

    /// <summary>The ML.NET model zip inside the registry bytes, for ML.NET tooling.</summary>
    public static byte[] MlNetPayload(byte[] bytes) => Unwrap(bytes).Zip;

    private static (string SchemaHash, int FeatureCount, byte[] Zip) Unwrap(byte[] bytes)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            if (reader.ReadString() != Magic) throw new InvalidDataException();
            var hash = reader.ReadString();
            var count = reader.ReadInt32();
            var length = reader.ReadInt32();
            var zip = reader.ReadBytes(length);
            if (zip.Length != length || count <= 0) throw new InvalidDataException();
            return (hash, count, zip);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException or ArgumentException or OverflowException)
        {
            throw new LearningException(LearningReasons.CorruptModel, "the bytes are not a MarketingActors model (bad header or truncated)");
        }
    }
}
