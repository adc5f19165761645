using MarketingActors.Core.Learning;
using MarketingActors.Core.Profiles;
using MarketingActors.Learning;
using MarketingActors.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MarketingActors.Tests.Grains.Core.Learning;

public sealed class ModelTrainerSpec
{
    private static readonly Lazy<(TrainingRow[] Rows, ModelTrainer.Trained Trained)> Shared = new(() =>
    {
        var rows = SyntheticOutcomes.Rows(6_000, seed: 11);
        return (rows, ModelTrainer.Train(rows, CustomerFeatures.Names, "fasttree-test", new TrainerSettings { Trees = 40 }));
    });

    private sealed class Input
    {
        [VectorType(16)] public float[] Features { get; set; } = [];
    }

    private sealed class Output
    {
        public float Probability { get; set; }
    }

    [Fact]
    public void The_flat_evaluator_gives_the_probabilities_ML_NET_gives_for_the_same_model()
    {
        var (rows, trained) = Shared.Value;
        var ml = new MLContext();
        var transformer = ml.Model.Load(new MemoryStream(ModelCodec.MlNetPayload(trained.Bytes)), out _);
        var sample = rows.Take(500).ToArray();
        var predicted = ml.Data.CreateEnumerable<Output>(
            transformer.Transform(ml.Data.LoadFromEnumerable(sample.Select(r => new Input { Features = r.Features }))), reuseRowObject: false).ToArray();

        // ML.NET computes in float, the flat evaluator in double: they agree to float precision.
        for (var i = 0; i < sample.Length; i++) Assert.InRange(Math.Abs(predicted[i].Probability - trained.Model.Score(sample[i].Features)), 0, 1e-6);
    }

    [Fact]
    public void Model_bytes_round_trip_to_the_same_scores()
    {
        var (rows, trained) = Shared.Value;
        var loaded = ModelCodec.Load("fasttree-test", trained.Bytes, CustomerFeatures.Names);

        Assert.All(rows.Take(200), r => Assert.Equal(trained.Model.Score(r.Features), loaded.Score(r.Features), 12));
        Assert.Equal("fasttree-test", loaded.Version);
    }

    [Fact]
    public void A_trained_model_ranks_held_out_customers_better_than_the_prior()
    {
        var (rows, trained) = Shared.Value;
        var holdout = SyntheticOutcomes.Rows(3_000, seed: 12);

        var challenger = TrainingPipeline.Evaluate(trained.Model, holdout);
        var prior = TrainingPipeline.Evaluate(new LogisticPriorModel(), holdout);

        Assert.True(challenger.Auc > prior.Auc + 0.03, $"trained {challenger.Auc:F4} vs prior {prior.Auc:F4}");
        Assert.True(challenger.Auc > 0.75, $"trained AUC {challenger.Auc:F4}");
    }

    [Fact]
    public void Corrupt_bytes_are_refused_with_a_reason()
    {
        var (_, trained) = Shared.Value;
        var truncated = trained.Bytes[..(trained.Bytes.Length / 2)];
        var garbage = new byte[256];
        new Random(3).NextBytes(garbage);
        var damagedPayload = (byte[])trained.Bytes.Clone();
        for (var i = damagedPayload.Length - 2000; i < damagedPayload.Length - 1000; i++) damagedPayload[i] ^= 0x5A;

        Assert.Equal(LearningReasons.CorruptModel, Assert.Throws<LearningException>(() => ModelCodec.Load("v", truncated, CustomerFeatures.Names)).Reason);
        Assert.Equal(LearningReasons.CorruptModel, Assert.Throws<LearningException>(() => ModelCodec.Load("v", garbage, CustomerFeatures.Names)).Reason);
        Assert.Equal(LearningReasons.CorruptModel, Assert.Throws<LearningException>(() => ModelCodec.Load("v", damagedPayload, CustomerFeatures.Names)).Reason);
    }

    [Fact]
    public void A_model_trained_on_another_feature_schema_is_refused()
    {
        var (_, trained) = Shared.Value;
        var renamed = CustomerFeatures.Names.Select(n => n == "velocity" ? "velocity_v2" : n).ToArray();

        var error = Assert.Throws<LearningException>(() => ModelCodec.Load("v", trained.Bytes, renamed));

        Assert.Equal(LearningReasons.FeatureSchemaMismatch, error.Reason);
    }

    [Fact]
    public void A_training_set_with_one_class_only_is_refused()
    {
        var rows = SyntheticOutcomes.Rows(300, seed: 4).Select(r => r with { Converted = false }).ToArray();

        var error = Assert.Throws<LearningException>(() => ModelTrainer.Train(rows, CustomerFeatures.Names, "v", new TrainerSettings()));

        Assert.Equal(LearningReasons.OneClassOnly, error.Reason);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Non_finite_features_are_refused(float bad)
    {
        var rows = SyntheticOutcomes.Rows(300, seed: 5);
        rows[17].Features[3] = bad;

        var error = Assert.Throws<LearningException>(() => ModelTrainer.Train(rows, CustomerFeatures.Names, "v", new TrainerSettings()));

        Assert.Equal(LearningReasons.NonFiniteFeature, error.Reason);
    }

    [Fact]
    public void Rows_of_the_wrong_length_are_refused()
    {
        var rows = SyntheticOutcomes.Rows(300, seed: 6);
        rows[5] = rows[5] with { Features = rows[5].Features[..10] };

        var error = Assert.Throws<LearningException>(() => ModelTrainer.Train(rows, CustomerFeatures.Names, "v", new TrainerSettings()));

        Assert.Equal(LearningReasons.FeatureLengthMismatch, error.Reason);
    }
}
