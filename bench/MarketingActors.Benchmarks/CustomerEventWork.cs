using BenchmarkDotNet.Attributes;
using MarketingActors.Campaigns;
using MarketingActors.Core.Customers;
using MarketingActors.Core.Decisions;
using MarketingActors.Core.Journeys;
using MarketingActors.Core.Measurement;
using MarketingActors.Core.Profiles;
using MarketingActors.Decisions;
using MarketingActors.Events;

namespace MarketingActors.Benchmarks;

/// <summary>
/// The CPU work a customer grain does for one product_view event, with the real pure classes in
/// the order of <c>CustomerGrain.Apply</c>: dedup → behaviour profile → features + score →
/// triggers → journey (one active campaign whose journey enters on product_view and has one
/// action step) → decision (NextBestActionPolicy.Rank over 3 candidates, Explain, the Decision
/// record, remembering it) → journey completes → prune finished journeys.
///
/// Left out, because they are not pure per-event CPU work: Orleans messaging and (de)serialization,
/// the await on the grain turn, budget reservation (only for actions with a cost, served from a
/// local lease), reminders and state persistence (every 100 events / 10 s). Those are in the HTTP
/// benchmarks of bench/http.
///
/// The customer is warm: the dedup window (1024 ids) is full, so every TryRecord also evicts, and
/// the profile has history on several channels. Event ids come from a pool of 8192 distinct ids,
/// more than the dedup window, so no event is a duplicate. Timestamps advance 30 s per event.
/// One MarketingEvent is allocated per operation (what deserialization hands the grain anyway).
/// </summary>
[Config(typeof(ShortRunConfig)), MemoryDiagnoser]
public class CustomerEventWork
{
    private const string CustomerId = "customer-000042";
    private const int IdPool = 8192;

    private readonly TriggerThresholds _thresholds = new CustomerOptions().Thresholds;
    private readonly int _recentDecisions = new CustomerOptions().RecentDecisions;
    private const string HoldoutSalt = "bench-salt";
    private const string HoldoutSaltId = "bench";
    private static readonly IReadOnlySet<string> NoBudgetBlocks = new HashSet<string>();
    private readonly IConversionModel _model = new LogisticPriorModel();
    private CampaignDefinition[] _active = [];
    private VariantEvidence _evidence = null!;
    private string[] _eventIds = [];
    private CustomerState _state = null!;
    private long _n;

    [GlobalSetup]
    public void Setup()
    {
        _active = [Fixtures.Campaign()];
        _evidence = Fixtures.Evidence();
        _eventIds = Enumerable.Range(0, IdPool).Select(i => $"evt-{i:D8}-{Guid.NewGuid():N}").ToArray();
        _state = new CustomerState { Profile = Fixtures.WarmProfile() };
        // Fill the dedup window and the decision history: the steady state of an active customer.
        for (var i = 0; i < EventDeduplicator.Window + 200; i++)
        {
            if (ApplyEvent() != 1) throw new InvalidOperationException("every product_view must yield exactly one decision");
        }
    }

    /// <summary>Everything CustomerGrain.Apply computes for one event that yields one decision.</summary>
    [Benchmark(Description = "Apply one product_view (dedup→profile→score→triggers→journey→decision)")]
    public int ApplyEvent()
    {
        var n = _n++;
        var e = Fixtures.ProductView(_eventIds[n % IdPool], CustomerId, Fixtures.Start.AddSeconds(30 * n));
        var s = _state;

        if (!s.Dedup.TryRecord(e.EventId)) return -1;
        var kind = EventCatalog.KindOf(e.Type);
        s.Profile.Apply(e, kind);

        var customer = ScoredCustomer.Score(CustomerId, s.Profile, _model, s.Profile.LastSeen ?? e.Timestamp);
        s.LastLikelihood = customer.Likelihood;
        s.LastVelocity = customer.Velocity;
        s.ModelVersion = customer.ModelVersion;
        var fired = TriggerDetector.OnScores(s.Triggers, _thresholds, customer.Likelihood, customer.Velocity,
            s.Profile.Engagement.ValueAt(EngagementVelocity.LongHorizon, customer.At));
        s.RememberTriggers(fired);

        var signal = new JourneySignal(e.Type, kind.Family == EventFamily.Conversion, fired, customer.At);
        var decisions = new List<Decision>();
        foreach (var campaign in _active)
        {
            var progress = s.Journeys.GetValueOrDefault(campaign.Id);
            var step = JourneyRunner.Advance(campaign, ref progress, signal, customer);
            if (progress is not null) s.Journeys[campaign.Id] = progress;
            while (step is not null && progress is not null)
            {
                var decision = Decide(campaign, step, customer, fired.FirstOrDefault());
                decisions.Add(decision);
                step = JourneyRunner.AfterDecision(campaign, progress, step, decision.Action is not null, signal, customer);
            }
        }
        s.PruneFinishedJourneys();
        var result = new EventResult { EventId = e.EventId, Status = EventStatus.Accepted, Decisions = [.. decisions], Triggers = [.. fired] };
        return result.Decisions.Length;
    }

    /// <summary>CustomerGrain.Decide without the budget call (the benchmark actions are free or served from a lease) and without the audit hand-off.</summary>
    private Decision Decide(CampaignDefinition campaign, JourneyStep step, ScoredCustomer customer, string? trigger)
    {
        var s = _state;
        var random = new Random(StableSeed.Of(CustomerId, campaign.Id, s.Profile.EventCount, s.Decisions.Count));
        var segment = SegmentKey.Of(campaign.Segments, s.Profile.Traits, customer.Features);
        var ranking = NextBestActionPolicy.Rank(campaign, step.ActionIds, null, customer, _evidence, segment, random);
        var holdout = HoldoutDraw.Assign(HoldoutSalt, HoldoutSaltId, CustomerId, campaign.Id, campaign.HoldoutPercent, globalControlPercent: 0);
        var chosen = ranking.Eligible.Count > 0 ? 0 : -1;
        var composed = DecisionComposer.Compose(CustomerId, campaign, step, null, customer, ranking, holdout, chosen, NoBudgetBlocks, trigger, segment);
        s.Remember(DecisionComposer.Record(composed, reservation: null), _recentDecisions);
        return composed.Decision;
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
