using MarketingActors.Campaigns;
using MarketingActors.Core.Budget;
using MarketingActors.Core.Campaigns;
using MarketingActors.Core.Customers;
using MarketingActors.Core.Decisions;
using MarketingActors.Core.Governance;
using MarketingActors.Core.Journeys;
using MarketingActors.Core.Measurement;
using MarketingActors.Core.Profiles;
using MarketingActors.Decisions;
using MarketingActors.Events;
using MarketingActors.Measurement;
using MarketingActors.Services.Campaigns;
using MarketingActors.Services.Governance;
using MarketingActors.Services.Learning;
using MarketingActors.Storage;
using MarketingActors.Telemetry;
using Microsoft.Extensions.Options;

namespace MarketingActors.Customers;

/// <summary>
/// One customer. Each batch: dedup → journal (durable before the answer) → per event: update
/// behaviour → score → triggers → journeys → decisions (eligibility, ranking, budget reservation).
/// The logic lives in the pure classes it calls; this grain receives, calls, persists and answers.
/// On activation it restores its last snapshot and replays the journal after it.
/// </summary>
public sealed class CustomerGrain(
    [PersistentState("customer", "customers")] IPersistentState<CustomerState> state,
    CampaignDirectory campaigns,
    BudgetLeaseBroker budget,
    IConversionModelProvider models,
    IEventJournal journal,
    EngineMetrics metrics,
    CustomerLearning learning,
    IOptions<CustomerOptions> options,
    IOptions<MeasurementOptions> measurement,
    TimeProvider clock,
    DecisionAuditWriter audit) : Grain, ICustomerGrain, IProfileHandover, IRemindable
{
    private const string WakeReminder = "wake";
    private static readonly TimeSpan MinimumWakeDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxWakeDelay = TimeSpan.FromDays(30);
    /// <summary>
    /// Each tick re-arms the wake-up for the next due time, so the period only matters when a tick
    /// was missed (no silo was running when it fell due): then it fires within this period.
    /// </summary>
    private static readonly TimeSpan WakeRetryPeriod = TimeSpan.FromMinutes(1);

    private readonly CustomerOptions _options = options.Value;
    private readonly TriggerThresholds _thresholds = options.Value.Thresholds;
    private readonly MeasurementOptions _measurement = measurement.Value;
    private int _unsavedEvents;
    private DateTimeOffset _lastSave;
    /// <summary>This customer's holdout draw per campaign and holdout share: fixed for the activation, so hashed once, not per decision.</summary>
    private readonly Dictionary<(string CampaignId, double HoldoutPercent), HoldoutAssignment> _holdouts = [];
    /// <summary>Set when the journal alone could not rebuild this state (a merged profile), so the next change is snapshotted at once.</summary>
    private bool _snapshotNow;
    /// <summary>The customer as last scored in this batch, for the audience counts.</summary>
    private ScoredCustomer? _lastScored;

    private CustomerState S => state.State;
    /// <summary>Decoded once: Orleans builds a new string from the grain id on every GetPrimaryKeyString, and each decision reads it several times.</summary>
    private string Id => _id ??= this.GetPrimaryKeyString();
    private string? _id;

    /// <summary>Wake-ups further away than this are registered with the next snapshot instead of on the event that moved them.</summary>
    public static readonly TimeSpan UrgentWake = TimeSpan.FromHours(1);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _lastSave = clock.GetUtcNow();
        if (!journal.IsDurable || S.MergedInto is not null) return;
        foreach (var entry in await journal.ReadAfter(Id, S.JournalSequence)) Replay(entry);
    }

    public async Task<EventResult[]> Ingest(MarketingEvent[] events)
    {
        if (S.MergedInto is { } target) return await GrainFactory.GetGrain<ICustomerGrain>(target).Ingest(events);
        await campaigns.EnsureLoaded();
        var fresh = NotYetJournaled(events);
        // Durable before anything is applied or answered: a failure here changes nothing and the caller may retry.
        var alreadyJournaled = await journal.Append(Id, fresh);
        if (fresh.Count > 0) S.JournalSequence = fresh[^1].Sequence;
        // Re-sent after this grain forgot their ids: the journal knew them, so they are answered as duplicates below.
        foreach (var eventId in alreadyJournaled) S.Dedup.TryRecord(eventId, _options.DedupWindow);
        var results = new EventResult[events.Length];
        for (var i = 0; i < events.Length; i++) results[i] = await Apply(events[i]);
        if (_lastScored is { } scored) Count(AudienceTally.Update(S.Audiences, campaigns.Active, scored));
        await AfterChange();
        return results;
    }

    public Task<CustomerView> GetView() => Task.FromResult(CustomerViews.Of(Id, S, ScoreNow()));

    public async Task<Decision?> NextBestAction(string placement)
    {
        if (S.MergedInto is { } target) return await GrainFactory.GetGrain<ICustomerGrain>(target).NextBestAction(placement);
        await campaigns.EnsureLoaded();
        var customer = ScoreNow();
        Decision? best = null;
        foreach (var campaign in campaigns.Active)
        {
            if (!campaign.Actions.Any(a => string.Equals(a.Placement, placement, StringComparison.OrdinalIgnoreCase))) continue;
            var decision = await Decide(campaign, null, placement, customer, trigger: null);
            if (decision.Action is not null && (best?.Action is null || decision.Scores.ExpectedValue > best.Scores.ExpectedValue)) best = decision;
            best ??= decision;
        }
        await AfterChange();
        return best;
    }

    public Task<string?> GetAuditReference() => Task.FromResult(S.AuditRef);

    public async Task<string?> Erase()
    {
        var forgotten = S.AuditRef;
        foreach (var merged in S.MergedFrom) await GrainFactory.GetGrain<ICustomerGrain>(merged).Erase();
        Count(AudienceTally.Leave(S.Audiences));
        if (await this.GetReminder(WakeReminder) is { } wake) await this.UnregisterReminder(wake);
        // The journal first: a failure after it leaves state that a retried erasure clears, never history that replays it back.
        await journal.Erase(Id);
        await state.ClearStateAsync();
        state.State = new CustomerState();
        _unsavedEvents = 0;
        DeactivateOnIdle();
        return forgotten;
    }

    public async Task<MarketingEvent[]> GetJournaledEvents() => [.. (await journal.ReadAfter(Id, 0)).Select(e => e.Event)];

    public async Task<CustomerState?> HandOver(string knownCustomerId)
    {
        if (S.MergedInto is not null || S.Profile.EventCount == 0 && S.Journeys.Count == 0)
        {
            S.MergedInto ??= knownCustomerId;
            await state.WriteStateAsync();
            return null;
        }
        var handed = S;
        Count(AudienceTally.Leave(handed.Audiences));
        // The journal position stays, so a later activation does not replay the handed-over history.
        state.State = new CustomerState { MergedInto = knownCustomerId, JournalSequence = handed.JournalSequence };
        await state.WriteStateAsync();
        return handed;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != WakeReminder) return;
        S.WakeRegisteredFor = null;
        if (S.MergedInto is null)
        {
            await campaigns.EnsureLoaded();
            var now = Max(clock.GetUtcNow(), S.Profile.LastSeen);
            learning.Expire(Id, S.Outcomes, now);
            var fired = new List<string>();
            if (TriggerDetector.IsColdLead(S.Triggers, _thresholds, S.Profile.LastEngagementAt, now)) fired.Add(TriggerNames.ColdLead);
            S.RememberTriggers(fired);
            var customer = ScoredCustomer.Score(Id, S.Profile, models.Current, now);
            await RunJourneys(new JourneySignal(null, false, fired, now), customer);
        }
        _unsavedEvents++;
        await AfterChange(forceSave: true);
        if (S.WakeRegisteredFor is null && await this.GetReminder(WakeReminder) is { } idle) await this.UnregisterReminder(idle);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Embedded mode keeps nothing past the process: a snapshot or a wake-up written while it stops
        // would only race the in-memory storage and reminder grains stopping beside this one.
        if (reason.ReasonCode == DeactivationReasonCode.ShuttingDown && !journal.IsDurable) return;
        await ScheduleWake(deferrable: false);
        if (_unsavedEvents > 0) await state.WriteStateAsync(cancellationToken);
    }

    private List<JournalEntry> NotYetJournaled(MarketingEvent[] events)
    {
        var fresh = new List<JournalEntry>(events.Length);
        var inBatch = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (S.Dedup.HasSeen(e.EventId) || !inBatch.Add(e.EventId)) continue;
            fresh.Add(new JournalEntry(S.JournalSequence + fresh.Count + 1, e));
        }
        return fresh;
    }

    /// <summary>
    /// Rebuilds behaviour from a journaled event after a restart or a move to another silo. No
    /// journeys run and no budget moves: the decisions of these events were made and answered
    /// before, and journey progress is restored from the snapshot.
    /// </summary>
    private void Replay(JournalEntry entry)
    {
        S.JournalSequence = entry.Sequence;
        if (!S.Dedup.TryRecord(entry.Event.EventId, _options.DedupWindow)) return;
        _unsavedEvents++;
        var kind = EventCatalog.KindOf(entry.Event.Type);
        Settle(entry.Event, kind, replaying: true);
        S.RememberTriggers(Score(entry.Event, kind).Fired);
    }

    /// <summary>Applies the event to the profile, scores it and returns the triggers it fired.</summary>
    private (ScoredCustomer Customer, List<string> Fired) Score(MarketingEvent e, EventKind kind)
    {
        S.Profile.Apply(e, kind);
        var customer = ScoredCustomer.Score(Id, S.Profile, models.Current, S.Profile.LastSeen ?? e.Timestamp);
        S.LastLikelihood = customer.Likelihood;
        S.LastVelocity = customer.Velocity;
        S.ModelVersion = customer.ModelVersion;
        _lastScored = customer;
        var fired = TriggerDetector.OnScores(S.Triggers, _thresholds, customer.Likelihood, customer.Velocity,
            S.Profile.Engagement.ValueAt(EngagementVelocity.LongHorizon, customer.At));
        return (customer, fired);
    }

    private async Task<EventResult> Apply(MarketingEvent e)
    {
        if (!S.Dedup.TryRecord(e.EventId, _options.DedupWindow)) return EventResult.Duplicate(e.EventId);
        _unsavedEvents++;
        metrics.EventApplied("accepted");
        var kind = EventCatalog.KindOf(e.Type);
        if (e.Type == EventCatalog.Alias) await MergeAlias(e);
        Settle(e, kind, replaying: false);
        var (customer, fired) = Score(e, kind);
        // Live events only: a replay must not emit training rows or lookalike triggers a second time.
        fired.AddRange(learning.Observe(Id, S.Outcomes, S.Triggers, customer, kind.Family == EventFamily.Conversion, (double)Math.Max(0, e.Value ?? 0)));
        S.RememberTriggers(fired);

        var signal = new JourneySignal(e.Type, kind.Family == EventFamily.Conversion, fired, customer.At);
        var decisions = await RunJourneys(signal, customer);
        return new EventResult { EventId = e.EventId, Status = EventStatus.Accepted, Decisions = [.. decisions], Triggers = [.. fired] };
    }

    private async Task<List<Decision>> RunJourneys(JourneySignal signal, ScoredCustomer customer)
    {
        var decisions = new List<Decision>();
        foreach (var campaign in campaigns.Active)
        {
            var progress = S.Journeys.GetValueOrDefault(campaign.Id);
            var step = JourneyRunner.Advance(campaign, ref progress, signal, customer);
            if (progress is not null) S.Journeys[campaign.Id] = progress;
            var acts = 0;
            while (step is not null && progress is not null)
            {
                // The fuse, whatever the validator let through: a bounded number of acts per event and per hour, then the campaign pauses.
                if (acts >= _options.MaxJourneyActsPerEvent || !progress.MayActAgain(signal.Now, _options.MaxJourneyActsPerHour))
                {
                    progress.Finish(JourneyStatus.Exited, AnomalyGuard.DecisionFuse);
                    budget.RecordFuseTrip(campaign.Id);
                    metrics.FuseTripped();
                    break;
                }
                var decision = await Decide(campaign, step, null, customer, signal.Triggers.FirstOrDefault());
                decisions.Add(decision);
                // A held-out decision moves the journey on as if sent, so treated and holdout walk the same path.
                var acted = decision.Action is not null || decision.WouldHaveSent is not null;
                if (acted)
                {
                    acts++;
                    progress.RecordAct();
                }
                step = JourneyRunner.AfterDecision(campaign, progress, step, acted, signal, customer);
            }
        }
        S.PruneFinishedJourneys();
        return decisions;
    }

    private async Task<Decision> Decide(CampaignDefinition campaign, JourneyStep? step, string? placement, ScoredCustomer customer, string? trigger)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var random = new Random(StableSeed.Of(Id, campaign.Id, S.Profile.EventCount, S.Decisions.Count));
        var segment = SegmentKey.Of(campaign.Segments, S.Profile.Traits, customer.Features);
        var ranking = NextBestActionPolicy.Rank(campaign, step?.ActionIds ?? [], placement, customer, campaigns.EvidenceOf(campaign.Id), segment, random);
        if (!_holdouts.TryGetValue((campaign.Id, campaign.HoldoutPercent), out var holdout))
        {
            holdout = HoldoutDraw.Assign(_measurement.Salt, _measurement.SaltId, Id, campaign.Id, campaign.HoldoutPercent, _measurement.GlobalControlPercent);
            _holdouts[(campaign.Id, campaign.HoldoutPercent)] = holdout;
        }
        // Held out after the same eligibility, ranking and budget check as everyone else; only the reservation is skipped.
        var heldOut = DecisionComposer.IsHeldOut(holdout, ranking);
        var budgetBlocked = new HashSet<string>();
        var chosen = -1;
        BudgetReservation? reservation = null;
        for (var i = 0; i < ranking.Eligible.Count && chosen < 0; i++)
        {
            var action = ranking.Eligible[i].Action;
            var affordable = action.Cost <= 0 || (heldOut
                ? await budget.CanAfford(campaign.Id, action.Cost)
                : (reservation = await budget.TryReserve(campaign.Id, action.Cost)) is not null);
            if (!affordable)
            {
                budgetBlocked.Add(action.Id);
                continue;
            }
            chosen = i;
        }
        var composed = DecisionComposer.Compose(Id, campaign, step, placement, customer, ranking, holdout, chosen, budgetBlocked, trigger, segment);
        var measured = composed.Measured is { } m
            ? new MeasurementTally { Group = holdout.Group, Channel = m.Action.Channel, ActionId = m.Action.Id, Decisions = 1 }
            : null;
        budget.RecordDecision(campaign.Id, composed.Picked?.Action.Id, segment, measured);
        metrics.Decided(composed.Picked is not null, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        await audit.Record(composed.Decision, S.AuditRef ??= Guid.NewGuid().ToString("N"));
        S.Remember(DecisionComposer.Record(composed, reservation), _options.RecentDecisions);
        return composed.Decision;
    }

    /// <summary>Delivery receipts confirm spend, failures release it, conversions are attributed (budget and tallies move only live, not on replay).</summary>
    private void Settle(MarketingEvent e, EventKind kind, bool replaying)
    {
        if (e.DecisionId is not null && (e.Type == EventCatalog.ActionDelivered || kind.Family == EventFamily.Contact))
        {
            var record = S.Decisions.Find(d => d.DecisionId == e.DecisionId && d.Status == DecisionStatus.Reserved);
            if (record is null) return;
            record.Status = DecisionStatus.Delivered;
            if (!replaying && record.Reservation is { } r) budget.Confirm(r);
            if (!replaying)
            {
                budget.RecordDelivery(record.CampaignId, record.ActionId!, record.Segment);
                budget.Measure(record.CampaignId, new MeasurementTally { Group = record.Group, Channel = record.Channel!, ActionId = record.ActionId, Sends = 1, Spend = record.Reservation?.Amount ?? 0 });
            }
            // A bare delivery receipt is the contact; a channel event (email_sent) is counted by the profile itself.
            if (e.Type == EventCatalog.ActionDelivered) S.Profile.RecordContact(record.Channel!, e.Timestamp);
        }
        else if (e.DecisionId is not null && e.Type == EventCatalog.ActionFailed)
        {
            var record = S.Decisions.Find(d => d.DecisionId == e.DecisionId && d.Status == DecisionStatus.Reserved);
            if (record is null) return;
            record.Status = DecisionStatus.Released;
            if (!replaying && record.Reservation is { } r) budget.Release(r);
        }
        else if (!replaying && e.Type is EventCatalog.Unsubscribe or EventCatalog.ConsentRevoked or EventCatalog.Complaint)
        {
            // Blamed on the delivery that provoked it, so the campaign's anomaly guard sees its opt-out rate.
            var record = S.AttributionFor(e.DecisionId, e.CampaignId, e.Timestamp, _options.AttributionWindow);
            if (record is { Status: DecisionStatus.Delivered or DecisionStatus.Converted })
                budget.RecordOptOut(record.CampaignId, complaint: e.Type == EventCatalog.Complaint);
        }
        else if (kind.Family == EventFamily.Conversion)
        {
            var record = S.AttributionFor(e.DecisionId, e.CampaignId, e.Timestamp, _options.AttributionWindow);
            if (record is null || record.Status == DecisionStatus.Converted) return;
            var revenue = Math.Max(0, e.Value ?? 0);
            var held = record.Status == DecisionStatus.Held;
            record.Status = DecisionStatus.Converted;
            if (replaying) return;
            // Holdout conversions measure lift but are no evidence about a variant nobody received.
            if (!held) budget.RecordConversion(record.CampaignId, record.ActionId!, record.Segment, revenue);
            budget.Measure(record.CampaignId, new MeasurementTally
            {
                Group = record.Group, Channel = record.Channel!, ActionId = record.ActionId, Conversions = 1, Revenue = revenue, RevenueSquares = (double)revenue * (double)revenue,
            });
        }
    }

    private async Task MergeAlias(MarketingEvent e)
    {
        var previous = e.Properties.GetValueOrDefault("previousId");
        if (string.IsNullOrEmpty(previous) || previous == Id || S.MergedFrom.Contains(previous)) return;
        var handed = await GrainFactory.GetGrain<IProfileHandover>(previous).HandOver(Id);
        if (S.MergedFrom.Count < CustomerState.MaxMergedFrom) S.MergedFrom.Add(previous);
        if (handed is null) return;
        S.Profile.MergeFrom(handed.Profile);
        foreach (var id in handed.Dedup.Ring) S.Dedup.TryRecord(id, _options.DedupWindow);
        foreach (var (campaignId, journey) in handed.Journeys) S.Journeys.TryAdd(campaignId, journey);
        foreach (var d in handed.Decisions) S.Remember(d, _options.RecentDecisions);
        _snapshotNow = true;
    }

    private void Count(List<(string CampaignId, AudienceCount Delta)> changes)
    {
        foreach (var (campaignId, delta) in changes) budget.RecordAudience(campaignId, delta);
    }

    private ScoredCustomer ScoreNow() =>
        ScoredCustomer.Score(Id, S.Profile, models.Current, Max(clock.GetUtcNow(), S.Profile.LastSeen));

    private async Task AfterChange(bool forceSave = false)
    {
        var now = clock.GetUtcNow();
        var save = _unsavedEvents > 0 &&
            (forceSave || _snapshotNow || _unsavedEvents >= _options.SnapshotEveryEvents || now - _lastSave >= _options.SnapshotInterval);
        await ScheduleWake(deferrable: !save);
        if (save)
        {
            await state.WriteStateAsync();
            _snapshotNow = false;
            _unsavedEvents = 0;
            _lastSave = now;
        }
    }

    /// <summary>
    /// One durable reminder per customer, set to the earliest journey wait or cold-lead check. A
    /// distant wake-up (the 14-day cold-lead check of a new customer) rides along with the next
    /// snapshot or the deactivation instead of costing a reminder write on the event itself.
    /// </summary>
    private async Task ScheduleWake(bool deferrable)
    {
        DateTimeOffset? due = TriggerDetector.NextColdLeadCheck(S.Triggers, _thresholds, S.Profile.LastEngagementAt);
        foreach (var journey in S.Journeys.Values)
        {
            if (JourneyRunner.WakeAt(journey) is { } at && (due is null || at < due)) due = at;
        }
        // A wake registered earlier than needed just fires, finds nothing due and re-arms: so most
        // events (which only push the cold-lead check later) cost no reminder write at all.
        if (due is null || S.WakeRegisteredFor is { } registered && due >= registered) return;
        var now = clock.GetUtcNow();
        var delay = due.Value - now;
        if (deferrable && delay > UrgentWake) return;
        // Orleans takes a due time of at most ~49 days; a later wake-up fires early, finds nothing due and re-arms.
        if (delay > MaxWakeDelay)
        {
            delay = MaxWakeDelay;
            due = now + delay;
        }
        await this.RegisterOrUpdateReminder(WakeReminder, delay > MinimumWakeDelay ? delay : MinimumWakeDelay, WakeRetryPeriod);
        S.WakeRegisteredFor = due;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset? b) => b is { } x && x > a ? x : a;
}
