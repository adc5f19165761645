using MarketingActors.Core.Profiles;
using MarketingActors.Learning;

namespace MarketingActors.Core.Learning;

/// <summary>
/// One training round, the same for the RetrainingGrain and for offline data: validate, order by
/// time, hold out the latest rows, train a challenger on the earlier ones, score challenger and
/// champion on the same holdout, and build the lookalike prototypes and the drift reference.
/// </summary>
public static class TrainingPipeline
{
    public sealed record Settings
    {
        public double HoldoutFraction { get; init; } = 0.2;
        public TrainerSettings Trainer { get; init; } = new();
        public LookalikePrototypes.Settings Lookalike { get; init; } = new();
    }

    public sealed record Result(
        ModelTrainer.Trained Challenger,
        ModelMetrics ChallengerMetrics,
        ModelMetrics ChampionMetrics,
        LookalikeProfile? Lookalike,
        ScoreReference ScoreReference,
        DateTimeOffset WindowFrom,
        DateTimeOffset WindowTo,
        int TrainingRows,
        int TrainingPositives);

    public static Result Run(IReadOnlyList<TrainingRow> rows, IReadOnlyList<string> featureNames, string version, IConversionModel champion, Settings settings)
    {
        ModelTrainer.Validate(rows, featureNames.Count);
        var ordered = rows.OrderBy(r => r.At).ToArray();
        var (train, holdout) = Split(ordered, settings.HoldoutFraction);
        var challenger = ModelTrainer.Train(train, featureNames, version, settings.Trainer);
        var trainScores = train.Select(r => challenger.Model.Score(r.Features)).ToArray();
        return new Result(
            challenger,
            Evaluate(challenger.Model, holdout),
            Evaluate(champion, holdout),
            LookalikePrototypes.Build(train, featureNames.Count, settings.Lookalike),
            ScoreReference.Of(trainScores),
            ordered[0].At,
            ordered[^1].At,
            train.Length,
            train.Count(r => r.Converted));
    }

    /// <summary>The latest rows by time are the holdout, so a model is judged on the future it will face; both sides keep both classes.</summary>
    public static (TrainingRow[] Train, TrainingRow[] Holdout) Split(TrainingRow[] ordered, double holdoutFraction)
    {
        var cut = (int)Math.Round(ordered.Length * (1 - holdoutFraction));
        var train = ordered[..cut];
        var holdout = ordered[cut..];
        if (!HasBothClasses(train) || !HasBothClasses(holdout))
            throw new LearningException(LearningReasons.OneClassOnly,
                $"the time-ordered split ({train.Length} training, {holdout.Length} holdout rows) leaves one side with a single class");
        ModelTrainer.Validate(train, ordered[0].Features.Length);
        return (train, holdout);
    }

    public static ModelMetrics Evaluate(IConversionModel model, IReadOnlyList<TrainingRow> rows) =>
        ModelEvaluation.Evaluate([.. rows.Select(r => model.Score(r.Features))], [.. rows.Select(r => r.Converted)]);

    private static bool HasBothClasses(TrainingRow[] rows) => rows.Any(r => r.Converted) && rows.Any(r => !r.Converted);
}
