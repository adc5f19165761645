using System.Collections.ObjectModel;
using MarketingActors.Core.Budget;
using MarketingActors.Core.Decisions;
using MarketingActors.Core.Journeys;
using MarketingActors.Core.Learning;
using MarketingActors.Core.Profiles;
using MarketingActors.Measurement;

namespace MarketingActors.Core.Customers;

[GenerateSerializer, Alias("ma.decision-status")]
public enum DecisionStatus
{
    NoAction,
    Reserved,
    Delivered,
    Released,
    Converted,
    /// <summary>Held out: nothing was sent; kept so conversions of the holdout are attributed like the treated ones.</summary>
    Held,
}

/// <summary>
/// A decision the customer remembers for delivery receipts and attribution. Its status moves only
/// through the transitions below, each refusing what would make no sense (a receipt for a decision
/// that reserved nothing, a second conversion), so no caller can put a record in an impossible state:
///
///   Reserved → Delivered (receipt) → Converted;  Reserved → Released (failure) → Reserved (retried, budget reserved again);  Held → Converted;
///   NoAction and Released are final; a conversion named by decision id may also settle a Reserved one.
/// Beside the status, a delivered, held or converted decision is marked engaged once, at the
/// customer's first engagement after it (every conversion is one).
/// </summary>
[GenerateSerializer, Alias("ma.decision-record")]
public sealed class DecisionRecord
{
    // Serialized through their fields: besides the initializer, only the transitions below and the
    // customer's reuse of a forgotten record's object (TakeOver) write them.
    [Id(6)] private DecisionStatus _status;
    [Id(4)] private BudgetReservation? _reservation;
    [Id(1)] private string _campaignId = "";
    [Id(2)] private string? _actionId;
    [Id(3)] private string? _channel;
    [Id(5)] private DateTimeOffset _decidedAt;
    [Id(7)] private MeasurementGroup _group;
    [Id(70)] private string? _segment;
    [Id(71)] private PolicyTrace? _policy;
    [Id(72)] private bool _engaged;

    // The engine's decision ids are version-7 GUIDs in 32 hex digits (DecisionComposer): kept as their
    // 16 bytes, because every record outlives several young collections and a string of its own was a
    // second object for each of them to copy (without it their pauses were 14% shorter,
    // benchmarks-history.md, 2026-12-07). Any other id is kept as given.
    [NonSerialized] private Guid _compactId;
    [NonSerialized] private string? _otherId;

    public required string DecisionId { get => SerializedId; init => SerializedId = value; }

    // The wire and snapshot form stays the string it always was; internal only because the
    // serializer's generated code needs its setter.
    [Id(0)]
    internal string SerializedId
    {
        get => _otherId ?? _compactId.ToString("N");
        set => (_compactId, _otherId) = IsCompact(value, out var guid) ? (guid, null) : (Guid.Empty, value);
    }
    public required string CampaignId { get => _campaignId; init => _campaignId = value; }
    public string? ActionId { get => _actionId; init => _actionId = value; }
    public string? Channel { get => _channel; init => _channel = value; }
    public BudgetReservation? Reservation { get => _reservation; init => _reservation = value; }
    public DateTimeOffset DecidedAt { get => _decidedAt; init => _decidedAt = value; }
    public DecisionStatus Status { get => _status; init => _status = value; }
    public MeasurementGroup Group { get => _group; init => _group = value; }
    /// <summary>The customer's segment at decision time, so deliveries and conversions land in the segment that was ranked.</summary>
    public string? Segment { get => _segment; init => _segment = value; }
    /// <summary>A contextual decision's context, probabilities and predictions, until its outcome settles the evidence and the off-policy sums.</summary>
    public PolicyTrace? Policy { get => _policy; init => _policy = value; }

    /// <summary>What the customer remembers of a decision just made, for delivery receipts and attribution.</summary>
    public static DecisionRecord Of(ComposedDecision composed, BudgetReservation? reservation) => new()
    {
        DecisionId = composed.Decision.DecisionId,
        CampaignId = composed.Decision.CampaignId,
        ActionId = composed.Measured?.Action.Id,
        Channel = composed.Measured?.Action.Channel,
        Reservation = reservation,
        DecidedAt = composed.Decision.DecidedAt,
        Status = composed.HeldOut ? DecisionStatus.Held : composed.Picked is null ? DecisionStatus.NoAction : DecisionStatus.Reserved,
        Group = composed.Decision.Holdout!.Group,
        Segment = composed.Segment,
        Policy = composed.Policy,
    };

    /// <summary>
    /// This object becomes <paramref name="newer"/>: a customer that has to forget a record keeps its
    /// object for the newest decision, so a decision leaves no new record alive past the next young
    /// collection (a record is kept for the customer's next several decisions; without the reuse a
    /// decided event promoted a fifth more: benchmarks-history.md, 2026-12-07, eleventh session).
    /// </summary>
    internal void TakeOver(DecisionRecord newer)
    {
        (_compactId, _otherId) = (newer._compactId, newer._otherId);
        (_status, _reservation, _campaignId, _actionId, _channel) = (newer._status, newer._reservation, newer._campaignId, newer._actionId, newer._channel);
        (_decidedAt, _group, _segment, _policy, _engaged) = (newer._decidedAt, newer._group, newer._segment, newer._policy, newer._engaged);
    }

    /// <summary>Whether this is the decision <paramref name="decisionId"/> names (ordinal, without making the id's string).</summary>
    public bool HasId(string decisionId)
    {
        if (_otherId is not null) return _otherId == decisionId;
        Span<char> own = stackalloc char[32];
        return _compactId.TryFormat(own, out _, "N") && decisionId.AsSpan().SequenceEqual(own);
    }

    // Lower-case only: an id in capitals must come back in capitals.
    private static bool IsCompact(string id, out Guid guid) =>
        Guid.TryParseExact(id, "N", out guid) && !id.AsSpan().ContainsAnyInRange('A', 'F');

    /// <summary>A delivery receipt: only a decision that reserved its action can be delivered, once.</summary>
    public bool Deliver() => Move(DecisionStatus.Reserved, DecisionStatus.Delivered);

    /// <summary>A delivery failure: the reservation is released, once.</summary>
    public bool Fail() => Move(DecisionStatus.Reserved, DecisionStatus.Released);

    /// <summary>An operator's retry of a delivery that failed: paid for again, like the first send, before it goes out.</summary>
    public bool Rearm(BudgetReservation? reservation)
    {
        if (!Move(DecisionStatus.Released, DecisionStatus.Reserved)) return false;
        _reservation = reservation;
        return true;
    }

    /// <summary>A conversion attributed to this decision; false when it was already credited with one (or decided nothing).</summary>
    public bool Convert()
    {
        if (_status is DecisionStatus.Converted || ActionId is null) return false;
        _status = DecisionStatus.Converted;
        return true;
    }

    /// <summary>The customer engaged after this decision (came back, clicked, converted): true once, and only for an action that reached them or was held back from them.</summary>
    public bool Engage()
    {
        if (_engaged || ActionId is null || _status is not (DecisionStatus.Delivered or DecisionStatus.Held or DecisionStatus.Converted)) return false;
        _engaged = true;
        return true;
    }

    public bool Engaged => _engaged;

    private bool Move(DecisionStatus from, DecisionStatus to)
    {
        if (_status != from) return false;
        _status = to;
        return true;
    }
}

/// <summary>Where a customer's turn reads the state it works on: the grain's, which erasure and merges replace.</summary>
public interface ICustomerStateSource
{
    CustomerState State { get; }
}

/// <summary>
/// Everything a customer grain persists. Bounded: every collection has a cap. A state nothing
/// replaces (specs, benchmarks, replays) is its own source.
/// </summary>
[GenerateSerializer, Alias("ma.customer-state")]
public sealed class CustomerState : ICustomerStateSource
{
    CustomerState ICustomerStateSource.State => this;

    [Id(0)] public BehaviourProfile Profile { get; set; } = new();
    [Id(1)] public EventDeduplicator Dedup { get; set; } = new();
    [Id(2)] public TriggerState Triggers { get; set; } = new();
    /// <summary>This customer's journeys by campaign.</summary>
    public IReadOnlyDictionary<string, JourneyProgress> Journeys => (IReadOnlyDictionary<string, JourneyProgress>?)_journeys ?? ReadOnlyDictionary<string, JourneyProgress>.Empty;
    /// <summary>The customer's recent decisions, oldest first, at most the options' <c>RecentDecisions</c> (open reservations kept until settled).</summary>
    public IReadOnlyList<DecisionRecord> Decisions => (IReadOnlyList<DecisionRecord>?)_decisions ?? [];
    [Id(5)] public string? MergedInto { get; set; }
    /// <summary>Anonymous profiles merged into this one (for erasure), at most <see cref="MaxMergedFrom"/>.</summary>
    public IReadOnlyList<string> MergedFrom => (IReadOnlyList<string>?)_mergedFrom ?? [];
    [Id(7)] public double LastLikelihood { get; set; }
    [Id(8)] public double LastVelocity { get; set; }
    [Id(9)] public string ModelVersion { get; set; } = "";
    public IReadOnlyList<string> RecentTriggers => (IReadOnlyList<string>?)_recentTriggers ?? [];
    [Id(11)] public DateTimeOffset? WakeRegisteredFor { get; set; }
    /// <summary>The last journal entry this state includes; activation replays what follows.</summary>
    [Id(12)] public long JournalSequence { get; set; }
    /// <summary>Feature snapshots waiting for their outcome (the learning loop's labelled rows).</summary>
    [Id(40)] public OpenSnapshots Outcomes { get; set; } = new();
    /// <summary>The random stand-in for this customer's id in audit entries; erasure forgets it.</summary>
    [Id(13)] public string? AuditRef { get; set; }
    /// <summary>Per active campaign: this customer matches its audience and may be contacted on these channels (see AudienceTally).</summary>
    [Id(80)] public Dictionary<string, string[]>? Audiences { get; set; }

    // Made on first use: most customers are never merged into, cross no trigger, enter no journey and are decided for rarely.
    [Id(3)] private Dictionary<string, JourneyProgress>? _journeys;
    [Id(4)] private List<DecisionRecord>? _decisions;
    [Id(6)] private List<string>? _mergedFrom;
    [Id(10)] private List<string>? _recentTriggers;

    public const int MaxMergedFrom = 16;
    public const int MaxRecentTriggers = 16;
    public const int MaxFinishedJourneys = 32;

    /// <summary>
    /// Remembers <paramref name="record"/>'s decision, forgetting the oldest settled ones first (open
    /// reservations are kept until settled) so at most <paramref name="keep"/> remain. The object of
    /// a record forgotten to make room takes the new one's contents (<see cref="DecisionRecord.TakeOver"/>):
    /// callers hand over a record they no longer use.
    /// </summary>
    public void Remember(DecisionRecord record, int keep)
    {
        var decisions = _decisions ??= [];
        decisions.Add(record);
        while (decisions.Count > keep)
        {
            var index = decisions.FindIndex(d => d.Status != DecisionStatus.Reserved);
            if (index < 0) index = 0;
            var forgotten = decisions[index];
            decisions.RemoveAt(index);
            if (decisions.Count == keep && !ReferenceEquals(forgotten, record))
            {
                forgotten.TakeOver(record);
                decisions[^1] = forgotten;
            }
        }
    }

    public DecisionRecord? DecisionById(string decisionId) => _decisions?.Find(d => d.HasId(decisionId));

    public JourneyProgress? JourneyOf(string campaignId) => _journeys?.GetValueOrDefault(campaignId);

    public void PutJourney(string campaignId, JourneyProgress progress) => (_journeys ??= [])[campaignId] = progress;

    /// <summary>The earliest time one of the customer's journeys waits for, if any.</summary>
    public DateTimeOffset? EarliestJourneyWake()
    {
        DateTimeOffset? due = null;
        if (_journeys is null) return due;
        foreach (var (_, journey) in _journeys)
        {
            if (JourneyRunner.WakeAt(journey) is { } at && (due is null || at < due)) due = at;
        }
        return due;
    }

    public void RememberTriggers(List<string> fired)
    {
        if (fired.Count == 0) return;
        (_recentTriggers ??= []).AddRange(fired);
        if (_recentTriggers.Count > MaxRecentTriggers) _recentTriggers.RemoveRange(0, _recentTriggers.Count - MaxRecentTriggers);
    }

    /// <summary>Remembers an anonymous profile merged into this one, up to <see cref="MaxMergedFrom"/> (the first ones kept).</summary>
    public void RememberMergedFrom(string anonymousId)
    {
        _mergedFrom ??= [];
        if (_mergedFrom.Count < MaxMergedFrom && !_mergedFrom.Contains(anonymousId)) _mergedFrom.Add(anonymousId);
    }

    /// <summary>
    /// Takes in the state of an anonymous profile that turned out to be this customer (an alias):
    /// behaviour and counters combined, its event ids remembered, its journeys where this customer
    /// has none, its decisions kept for attribution.
    /// </summary>
    public void MergeFrom(CustomerState handed, int recentDecisions, int dedupWindow)
    {
        Profile.MergeFrom(handed.Profile);
        Dedup.Absorb(handed.Dedup, dedupWindow);
        if (handed._journeys is { } theirs)
        {
            foreach (var (campaignId, journey) in theirs) (_journeys ??= []).TryAdd(campaignId, journey);
        }
        foreach (var d in handed.Decisions) Remember(d, recentDecisions);
    }

    /// <summary>Runs after every event, so it counts before it allocates: almost always nothing is over the limit.</summary>
    public void PruneFinishedJourneys()
    {
        if (_journeys is not { } journeys) return;
        var finished = 0;
        // Over the pairs, not .Values: the dictionary would keep the values view it made, for every customer.
        foreach (var (_, j) in journeys) if (!j.IsActive) finished++;
        if (finished <= MaxFinishedJourneys) return;
        var oldest = journeys.Values.Where(j => !j.IsActive).OrderBy(j => j.StepEnteredAt).Take(finished - MaxFinishedJourneys).ToList();
        foreach (var j in oldest) journeys.Remove(j.CampaignId);
    }

    /// <summary>The decision an outcome belongs to: by id, else the last delivered or held-out one (of the campaign, if given) within the window.</summary>
    public DecisionRecord? AttributionFor(string? decisionId, string? campaignId, DateTimeOffset at, TimeSpan window)
    {
        if (_decisions is not { } decisions) return null;
        if (decisionId is not null) return decisions.Find(d => d.HasId(decisionId) && d.ActionId is not null);
        for (var i = decisions.Count - 1; i >= 0; i--)
        {
            var d = decisions[i];
            if (d.Status is not (DecisionStatus.Delivered or DecisionStatus.Held)) continue;
            if (campaignId is not null && d.CampaignId != campaignId) continue;
            if (at - d.DecidedAt <= window && d.DecidedAt <= at) return d;
        }
        return null;
    }
}
