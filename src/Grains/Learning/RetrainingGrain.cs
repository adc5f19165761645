using MarketingActors.Services;
using MarketingActors.Core.Learning;
using MarketingActors.Core.Profiles;
using MarketingActors.Services.Learning;
using MarketingActors.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Streams;

namespace MarketingActors.Learning;

/// <summary>
/// The learning loop's single activation. Receives labelled rows in batches on the training-rows
/// stream (implicitly subscribed; every silo's outbox publishes there), trains a challenger every
/// N rows, every T or on request — on a thread-pool thread, so the Orleans scheduler is never blocked — and promotes it only if it beats the champion on the
/// same time-ordered holdout. Reentrant so rows keep arriving while a model trains; the one
/// training in flight is shared by every caller that asks for one.
/// </summary>
[Reentrant]
[ImplicitStreamSubscription(LearningStreams.RowsNamespace)]
public sealed class RetrainingGrain(
    [PersistentState("models", StorageNames.Campaigns)] IPersistentState<ModelRegistry> state,
    ITrainingRowBuffer buffer,
    IOptions<LearningOptions> options,
    TimeProvider clock,
    ILogger<RetrainingGrain> logger) : Grain, IRetrainingGrain
{
    public const string SystemActor = "system:retraining";
    public const string AutoRollbackActor = "system:auto-rollback";

    private static readonly TimeSpan NotifyTimeout = TimeSpan.FromSeconds(5);

    private readonly LearningOptions _options = options.Value;
    private readonly LiveQualityMonitor _live = new();
    private readonly GrainObservers<IModelObserver> _observers = new(clock, NotifyTimeout);
    private Task<TrainingOutcome>? _training;
    private IConversionModel _champion = new LogisticPriorModel();
    private long _received, _rejected;
    private DateTimeOffset? _lastTrainingAt;
    private string? _lastTrainingResult;

    private ModelRegistry Registry => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Registry.ChampionEntry is { } entry)
        {
            try
            {
                _champion = ModelCodec.Load(entry.Info.Version, entry.Bytes, CustomerFeatures.Names);
            }
            catch (LearningException e)
            {
                logger.LogError("Stored champion {Version} does not load ({Reason}); comparing challengers with the prior", entry.Info.Version, e.Reason);
            }
        }
        await buffer.Open();
        await this.GetStreamProvider(LearningStreams.Provider).GetStream<TrainingRowBatch>(LearningStreams.Rows)
            .SubscribeAsync((batch, _) => Accept(batch.Rows));
        this.RegisterGrainTimer(OnTimer, new GrainTimerCreationOptions(_options.TrainEvery, _options.TrainEvery) { Interleave = true });
    }

    private async Task Accept(TrainingRow[] rows)
    {
        var valid = new List<TrainingRow>(rows.Length);
        foreach (var row in rows)
        {
            if (FeatureSchema.IsValid(row.Features, CustomerFeatures.Count) && double.IsFinite(row.Score)) valid.Add(row);
        }
        _received += rows.Length;
        _rejected += rows.Length - valid.Count;
        if (valid.Count < rows.Length) logger.LogWarning("Rejected {Count} training rows with a wrong feature length or NaN/∞ values", rows.Length - valid.Count);
        await buffer.Add(valid);
        foreach (var row in valid) _live.Record(row);
        await CheckLiveChampion();
        if (buffer.SinceTraining >= _options.TrainEveryRows && _training is null) _ = TrainNow(SystemActor);
    }

    public Task<TrainingOutcome> TrainNow(string actor)
    {
        var training = _training ??= Train(actor);
        // A refusal completes synchronously, before the field was even set: never cache it.
        if (training.IsCompleted) _training = null;
        return training;
    }

    public Task<ModelVersionInfo[]> ListVersions() => Task.FromResult(Registry.Entries.Select(e => e.Info).ToArray());

    public Task<PublishedModel> GetChampion() => Task.FromResult(Registry.Published());

    public Task<PromotionRecord[]> History() => Task.FromResult(Registry.History.ToArray());

    public async Task<ModelCommandResult> Rollback(string version, string actor, string? reason) =>
        await ChangeChampion(version, actor, string.IsNullOrWhiteSpace(reason) ? "requested" : reason, automatic: false);

    public Task<ModelMonitoring> Monitoring()
    {
        var versions = _live.Versions.Union([Registry.Champion]).Order(StringComparer.Ordinal)
            .Select(v => _live.Quality(v, Registry.Find(v)?.ScoreReference)).ToArray();
        return Task.FromResult(new ModelMonitoring
        {
            Champion = Registry.Champion,
            Versions = versions,
            BufferedRows = buffer.Count,
            RowsReceived = _received,
            RowsRejected = _rejected,
            LastTrainingAt = _lastTrainingAt,
            LastTrainingResult = _lastTrainingResult,
        });
    }

    public Task Subscribe(IModelObserver observer)
    {
        _observers.Subscribe(observer);
        return Task.CompletedTask;
    }

    private async Task OnTimer(CancellationToken cancellation)
    {
        if (buffer.SinceTraining > 0 && buffer.Count >= _options.MinTrainingRows) await TrainNow(SystemActor);
    }

    private async Task<TrainingOutcome> Train(string actor)
    {
        try
        {
            var outcome = await TrainOnce(actor);
            _lastTrainingAt = clock.GetUtcNow();
            _lastTrainingResult = outcome.Result;
            return outcome;
        }
        finally
        {
            _training = null;
        }
    }

    private async Task<TrainingOutcome> TrainOnce(string actor)
    {
        var rows = await buffer.Snapshot();
        if (rows.Count < _options.MinTrainingRows)
            return Refused(LearningReasons.TooFewRows, $"{rows.Count} labelled rows buffered; training needs {_options.MinTrainingRows}");
        await buffer.MarkTrained();
        var version = Registry.NewVersionName();
        var champion = _champion;
        TrainingPipeline.Result result;
        try
        {
            // Off the grain's turn: the scheduler thread is free while FastTree runs on the thread pool.
            result = await Task.Run(() => TrainingPipeline.Run(rows, CustomerFeatures.Names, version, champion, _options.Pipeline));
        }
        catch (LearningException e)
        {
            logger.LogWarning("Training refused: {Reason} ({Detail})", e.Reason, e.Message);
            return Refused(e.Reason, e.Message);
        }
        var promote = ChampionChallenger.ShouldPromote(result.ChallengerMetrics, result.ChampionMetrics, _options.PromotionMargin);
        var entry = new ModelEntry
        {
            Info = new ModelVersionInfo
            {
                Version = version,
                Status = ModelStatus.Rejected,
                TrainedAt = clock.GetUtcNow(),
                Metrics = result.ChallengerMetrics,
                ChampionMetrics = result.ChampionMetrics,
                ChampionVersion = champion.Version,
                WindowFrom = result.WindowFrom,
                WindowTo = result.WindowTo,
                TrainingRows = result.TrainingRows,
                TrainingPositives = result.TrainingPositives,
                FeatureSchemaHash = FeatureSchema.HashOf(CustomerFeatures.Names),
                ModelBytes = result.Challenger.Bytes.Length,
                Prototypes = result.Lookalike?.Prototypes.Length ?? 0,
                Note = promote ? null : $"holdout AUC {result.ChallengerMetrics.Auc:F4} does not beat the champion's {result.ChampionMetrics.Auc:F4} by {_options.PromotionMargin}",
            },
            Bytes = result.Challenger.Bytes,
            Lookalike = result.Lookalike,
            ScoreReference = result.ScoreReference,
        };
        Registry.Register(entry);
        if (promote)
        {
            Registry.Promote(version, actor, $"holdout AUC {result.ChallengerMetrics.Auc:F4} vs champion {champion.Version} {result.ChampionMetrics.Auc:F4}", clock.GetUtcNow());
            _champion = result.Challenger.Model;
        }
        await state.WriteStateAsync();
        if (promote) await NotifyAll();
        logger.LogInformation("Trained {Version} on {Rows} rows: AUC {Auc:F4} vs champion {Champion} {ChampionAuc:F4}; {Result}",
            version, result.TrainingRows, result.ChallengerMetrics.Auc, champion.Version, result.ChampionMetrics.Auc, promote ? "promoted" : "kept champion");
        return new TrainingOutcome
        {
            Result = promote ? TrainingResults.Promoted : TrainingResults.KeptChampion,
            Version = version,
            Champion = Registry.Champion,
            Detail = entry.Info.Note ?? "",
            Metrics = result.ChallengerMetrics,
            ChampionMetrics = result.ChampionMetrics,
        };
    }

    private TrainingOutcome Refused(string reason, string detail) => new() { Result = reason, Champion = Registry.Champion, Detail = detail };

    /// <summary>Rolls a new champion back automatically when its live AUC falls below its predecessor's by the margin.</summary>
    private async Task CheckLiveChampion()
    {
        if (Registry.ChampionEntry is not { Predecessor: { } predecessor } entry) return;
        var champion = _live.Quality(entry.Info.Version, null);
        var before = _live.Quality(predecessor, null);
        var reference = before.LabelledRows >= _options.MinLiveRows && before.LiveAuc is { } live ? live : Registry.Find(predecessor)?.Info.Metrics.Auc;
        if (!ChampionChallenger.ShouldRollBack(champion, reference, _options.MinLiveRows, _options.MinLivePositives, _options.RollbackMargin)) return;
        var result = await ChangeChampion(predecessor, AutoRollbackActor,
            $"live AUC {champion.LiveAuc:F4} over {champion.LabelledRows} outcomes fell below predecessor's {reference:F4} by more than {_options.RollbackMargin}", automatic: true);
        if (!result.Succeeded) logger.LogError("Automatic rollback to {Version} failed: {Reason}", predecessor, result.ErrorReason);
    }

    private async Task<ModelCommandResult> ChangeChampion(string version, string actor, string reason, bool automatic)
    {
        IConversionModel model;
        try
        {
            if (version == Registry.Champion) throw new LearningException(LearningReasons.AlreadyChampion, $"'{version}' is already the champion");
            model = version == ModelRegistry.Prior ? new LogisticPriorModel()
                : Registry.Find(version) is { } entry ? ModelCodec.Load(version, entry.Bytes, CustomerFeatures.Names)
                : throw new LearningException(LearningReasons.ModelNotFound, $"no model version '{version}'");
            Registry.Rollback(version, actor, reason, clock.GetUtcNow(), automatic);
        }
        catch (LearningException e)
        {
            return new ModelCommandResult { ErrorReason = e.Reason, Detail = e.Message, Champion = Registry.Champion };
        }
        _champion = model;
        await state.WriteStateAsync();
        await NotifyAll();
        logger.LogWarning("Champion is now {Version} ({Action} by {Actor}: {Reason})", version, automatic ? "auto_rollback" : "rollback", actor, reason);
        return new ModelCommandResult { Champion = Registry.Champion, Detail = reason };
    }

    private Task NotifyAll()
    {
        var published = Registry.Published();
        // The silo's cache re-pulls the champion on its own schedule; a dead one is dropped.
        return _observers.Push(observer => observer.OnChampionChanged(published),
            e => logger.LogWarning(e, "A model cache did not take {Version}; dropping it until it re-subscribes", published.Version));
    }
}
