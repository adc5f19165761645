using MarketingActors.Learning;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace MarketingActors.Core.Learning;

/// <summary>FastTree hyper-parameters; the defaults suit tens of thousands to a million rows of 16 features.</summary>
public sealed record TrainerSettings
{
    public int Trees { get; init; } = 100;
    public int Leaves { get; init; } = 20;
    public int MinRowsPerLeaf { get; init; } = 20;
    public double LearningRate { get; init; } = 0.2;
    public int Seed { get; init; } = 7;
}

/// <summary>
/// Trains an ML.NET FastTree binary classifier (Platt-calibrated) on labelled rows of any fixed
/// feature layout. CPU-bound and synchronous: callers on a grain run it with Task.Run.
/// </summary>
public static class ModelTrainer
{
    public const int MinRowsPerClass = 5;

    public sealed record Trained(TrainedConversionModel Model, byte[] Bytes);

    private sealed class Example
    {
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
    }

    public static Trained Train(IReadOnlyList<TrainingRow> rows, IReadOnlyList<string> featureNames, string version, TrainerSettings settings)
    {
        Validate(rows, featureNames.Count);
        var ml = new MLContext(seed: settings.Seed);
        var schema = SchemaDefinition.Create(typeof(Example));
        schema[nameof(Example.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureNames.Count);
        var data = ml.Data.LoadFromEnumerable(rows.Select(r => new Example { Features = r.Features, Label = r.Converted }), schema);
        var trainer = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            NumberOfTrees = settings.Trees,
            NumberOfLeaves = settings.Leaves,
            MinimumExampleCountPerLeaf = Math.Max(1, Math.Min(settings.MinRowsPerLeaf, rows.Count / 10)),
            LearningRate = settings.LearningRate,
            FeatureColumnName = nameof(Example.Features),
            LabelColumnName = nameof(Example.Label),
        });
        var fitted = trainer.Fit(data);
        using var zip = new MemoryStream();
        ml.Model.Save(fitted, data.Schema, zip);
        var bytes = ModelCodec.Wrap(FeatureSchema.HashOf(featureNames), featureNames.Count, zip.ToArray());
        return new Trained(ModelCodec.FromParameters(version, featureNames.Count, fitted.Model), bytes);
    }

    /// <summary>Refuses what no model should be trained on: wrong lengths, NaN/∞, a single class, too few rows.</summary>
    public static void Validate(IReadOnlyList<TrainingRow> rows, int featureCount)
    {
        int positives = 0;
        foreach (var row in rows)
        {
            FeatureSchema.Check(row.Features, featureCount);
            if (row.Converted) positives++;
        }
        if (rows.Count == 0 || positives == 0 || positives == rows.Count)
            throw new LearningException(LearningReasons.OneClassOnly,
                $"{rows.Count} rows, {positives} converted: a classifier needs both conversions and non-conversions");
        if (Math.Min(positives, rows.Count - positives) < MinRowsPerClass)
            throw new LearningException(LearningReasons.TooFewRows,
                $"{positives} converted and {rows.Count - positives} not: at least {MinRowsPerClass} of each are needed");
    }
}
