using BenchmarkDotNet.Attributes;
using MarketingActors.Tests.Support;
using MarketingActors.Core.Customers;
using MarketingActors.Core.Measurement;
using MarketingActors.Core.Profiles;

namespace MarketingActors.Benchmarks;

/// <summary>
/// The CPU work a customer grain does for one product_view event: the real
/// <see cref="CustomerTurn.Apply"/> (dedup → settle → behaviour profile → features + score →
/// triggers → journey → decision with ranking, holdout draw, budget check, audit hand-off and
/// remembering it) on in-memory ports, the same ones the customer specs use. One active campaign
/// whose journey enters on product_view and has one action step over 3 candidates, ranked either
/// way the engine ranks (<see cref="Policy"/>).
///
/// Left out, because they are not pure per-event CPU work: Orleans messaging and (de)serialization,
/// the journal write, the audit log's serialization (the in-memory log here keeps nothing), lease
/// requests (the in-memory budget answers at once), reminders and snapshots. Those are in the HTTP
/// benchmarks of bench/http.
///
/// The customer is warm: the dedup window (1024 ids) is full, so every TryRecord also evicts, and
/// the profile has history on several channels. Event ids come from a pool of 8192 distinct ids,
/// more than the dedup window, so no event is a duplicate. Timestamps advance 2 minutes per event:
/// 30 acts an hour, inside the decision fuse's 60 (a customer acting every 30 s trips it, by design).
/// One MarketingEvent is allocated per operation (what deserialization hands the grain anyway).
/// </summary>
[Config(typeof(ShortRunConfig)), MemoryDiagnoser]
public class CustomerEventWork
{
    private const string CustomerId = "customer-000042";
    private const int IdPool = 8192;

    /// <summary>The campaign's ranking: per-variant Thompson sampling by segment, or the contextual policy.</summary>
    [Params("segment_thompson", "contextual")]
    public string Policy { get; set; } = "segment_thompson";

    private string[] _eventIds = [];
    private CustomerTurn _turn = null!;
    private long _n;

    [GlobalSetup]
    public void Setup()
    {
        var contextual = Policy == "contextual";
        var campaign = contextual ? Fixtures.ContextualCampaign() : Fixtures.Campaign();
        var ports = new InMemoryCustomerPorts(campaign) { KeepAudit = false };
        ports.Evidence[campaign.Id] = Fixtures.Evidence(arms: contextual);
        var state = new CustomerState { Profile = Fixtures.WarmProfile() };
        _turn = new CustomerTurn(CustomerId, state, ports.Ports, new CustomerOptions(), new MeasurementOptions(), TimeProvider.System);
        _eventIds = Enumerable.Range(0, IdPool).Select(i => $"evt-{i:D8}-{Guid.NewGuid():N}").ToArray();
        // Fill the dedup window and the decision history: the steady state of an active customer.
        for (var i = 0; i < EventDeduplicator.Window + 200; i++)
        {
            if (ApplyEvent() != 1) throw new InvalidOperationException("every product_view must yield exactly one decision");
        }
    }

    [Benchmark(Description = "CustomerTurn.Apply one product_view (dedup→profile→score→triggers→journey→decision)")]
    public int ApplyEvent()
    {
        var n = _n++;
        var e = Fixtures.ProductView(_eventIds[n % IdPool], CustomerId, Fixtures.Start.AddMinutes(2 * n));
        // In-memory ports answer synchronously, so the turn completes without a scheduler hop.
        var applied = _turn.Apply(e);
        if (!applied.IsCompletedSuccessfully) throw new InvalidOperationException("the in-memory ports must answer synchronously");
        return applied.Result.Decisions.Length;
    }
}

/// <summary>Scoring alone: the feature vector of a warm profile and the logistic prior over it.</summary>
[Config(typeof(ShortRunConfig)), MemoryDiagnoser]
public class ScoringWork
{
    private readonly IConversionModel _model = new LogisticPriorModel();
    private BehaviourProfile _profile = null!;
    private DateTimeOffset _at;

    [GlobalSetup]
    public void Setup()
    {
        _profile = Fixtures.WarmProfile();
        _at = _profile.LastSeen!.Value.AddMinutes(5);
    }

    [Benchmark(Description = "CustomerFeatures.Compute + LogisticPriorModel.Score")]
    public double ComputeAndScore() => _model.Score(CustomerFeatures.Compute(_profile, _at));

    [Benchmark(Description = "LogisticPriorModel.Score (features precomputed)")]
    public double ScoreOnly() => _model.Score(_features ??= CustomerFeatures.Compute(_profile, _at));

    private float[]? _features;
}
