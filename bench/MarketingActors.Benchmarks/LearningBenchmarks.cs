using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using MarketingActors.Core.Learning;
using MarketingActors.Core.Profiles;
using MarketingActors.Customers;
using MarketingActors.Events;
using MarketingActors.Learning;
using MarketingActors.Services.Learning;
using MarketingActors.Silo.Hosting;
using MarketingActors.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MarketingActors.Benchmarks;

/// <summary>
/// Scoring one event with the trained champion: the flat array evaluator the engine serves, against
/// ML.NET's own PredictionEngine over the same model and the prior. The model is trained with the
/// engine's default settings (100 trees, 20 leaves) on 20,000 synthetic rows.
/// </summary>
[Config(typeof(ShortRunConfig)), MemoryDiagnoser]
public class TrainedModelScoring
{
    private TrainedConversionModel _model = null!;
    private PredictionEngine<Input, Output> _engine = null!;
    private readonly LogisticPriorModel _prior = new();
    private float[][] _vectors = [];
    private Input[] _inputs = [];
    private int _i;

    public sealed class Input
    {
        [VectorType(16)] public float[] Features { get; set; } = [];
    }

    public sealed class Output
    {
        public float Probability { get; set; }
    }

    [GlobalSetup]
    public void Setup()
    {
        var rows = SyntheticOutcomes.Rows(20_000, seed: 3);
        var trained = ModelTrainer.Train(rows, CustomerFeatures.Names, "bench", new TrainerSettings());
        _model = trained.Model;
        var ml = new MLContext();
        var transformer = ml.Model.Load(new MemoryStream(ModelCodec.MlNetPayload(trained.Bytes)), out _);
        _engine = ml.Model.CreatePredictionEngine<Input, Output>(transformer);
        _vectors = [.. rows.Take(1024).Select(r => r.Features)];
        _inputs = [.. _vectors.Select(v => new Input { Features = v })];
    }

    [Benchmark(Baseline = true)]
    public double FlatEnsemble() => _model.Score(_vectors[_i++ & 1023]);

    [Benchmark]
    public float MlNetPredictionEngine() => _engine.Predict(_inputs[_i++ & 1023]).Probability;

    [Benchmark]
    public double PriorLogistic() => _prior.Score(_vectors[_i++ & 1023]);
}

/// <summary>
/// One training round as the RetrainingGrain runs it (TrainingPipeline.Run: validation, time
/// order, FastTree with engine defaults, holdout evaluation of challenger and champion, lookalike
/// KMeans, drift reference) on synthetic rows from the feature function. Few iterations: each is seconds to a minute.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 1, id: "Training")]
public class TrainingRound
{
    private TrainingRow[] _rows = [];

    [Params(100_000, 1_000_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup() => _rows = SyntheticOutcomes.Rows(Rows, seed: 9);

    [Benchmark]
    public double Train() =>
        TrainingPipeline.Run(_rows, CustomerFeatures.Names, "bench", new LogisticPriorModel(), new TrainingPipeline.Settings()).ChallengerMetrics.Auc;
}

/// <summary>
/// From a burst of 100,000 labelled outcomes to a promoted model serving decisions, on the real
/// embedded host (one silo, in-memory): the silo's outbox publishes the rows on the training-rows
/// stream in batches of 10,000, as in production, training is requested once the RetrainingGrain
/// has them all, and the time stops when a
/// customer grain's next event is scored by the new version. A fresh host per iteration, so every
/// round trains on exactly the burst and the prior is the champion it must beat.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 3, id: "Loop")]
public class OutcomesToServing
{
    private TrainingRow[] _rows = [];
    private WebApplication _host = null!;
    private IGrainFactory _grains = null!;

    [GlobalSetup]
    public void Setup() => _rows = SyntheticOutcomes.Rows(100_000, seed: 5);

    [IterationSetup]
    public void StartHost()
    {
        _host = SiloComposition.Build(
        [
            "--urls", "http://127.0.0.1:0",
            $"--MarketingActors:Silo:SiloPort={FreePort()}",
            $"--MarketingActors:Silo:GatewayPort={FreePort()}",
            "--Logging:LogLevel:Default=Warning",
            // Only the explicit TrainNow may train, so the round sees the whole burst (not the first 20,000 rows).
            "--MarketingActors:Learning:TrainEveryRows=10000000",
        ]).GetAwaiter().GetResult();
        _host.StartAsync().GetAwaiter().GetResult();
        _grains = _host.Services.GetRequiredService<IGrainFactory>();
    }

    [IterationCleanup]
    public void StopHost()
    {
        _host.StopAsync().GetAwaiter().GetResult();
        _host.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark]
    public async Task<string> BurstToServingDecisions()
    {
        var retraining = _grains.GetGrain<IRetrainingGrain>(0);
        // The production path: the silo's outbox publishes the burst on the training-rows stream.
        var received = (await retraining.Monitoring()).RowsReceived + _rows.Length;
        var outbox = _host.Services.GetRequiredService<TrainingRowOutbox>();
        outbox.Enqueue([.. _rows]);
        await outbox.Flush();
        while ((await retraining.Monitoring()).RowsReceived < received) await Task.Delay(10);
        var outcome = await retraining.TrainNow("bench");
        if (!outcome.Promoted) throw new InvalidOperationException($"{outcome.Result}: {outcome.Detail}");
        var id = "bench-" + Guid.NewGuid().ToString("N");
        var customer = _grains.GetGrain<ICustomerGrain>(id);
        while (true)
        {
            await customer.Ingest([new MarketingEvent { EventId = Guid.NewGuid().ToString("N"), CustomerId = id, Type = "product_view", Timestamp = DateTimeOffset.UtcNow }]);
            if ((await customer.GetView()).ModelVersion == outcome.Version) return outcome.Version!;
            await Task.Delay(10);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
