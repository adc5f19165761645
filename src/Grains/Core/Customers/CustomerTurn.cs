using System.Collections.Frozen;
using MarketingActors.Campaigns;
using MarketingActors.Core.Budget;
using MarketingActors.Core.Campaigns;
using MarketingActors.Core.Content;
using MarketingActors.Core.Delivery;
using MarketingActors.Core.Decisions;
using MarketingActors.Core.Governance;
using MarketingActors.Core.Journeys;
using MarketingActors.Core.Measurement;
using MarketingActors.Core.Profiles;
using MarketingActors.Core.Rules;
using MarketingActors.Decisions;
using MarketingActors.Delivery;
using MarketingActors.Events;
using MarketingActors.Measurement;

namespace MarketingActors.Core.Customers;

/// <summary>
/// One customer's decision path, all of it, on its state: per event, dedup → settle what it
/// reports (a delivery, a failure, a conversion, an opt-out) → update behaviour → score → triggers
/// → journeys → decisions (eligibility, ranking, budget, holdout, audit). Also the timer's wake-up,
/// on-site next best action, and alias merges. It knows nothing of Orleans, storage or HTTP: what
/// it needs from outside comes through <see cref="CustomerTurnPorts"/>. The customer grain keeps
/// one per activation (the holdout draws it caches last as long), and the per-event benchmark
/// runs this same code.
/// </summary>
public sealed class CustomerTurn(string customerId, ICustomerStateSource state, CustomerTurnPorts ports, CustomerOptions options, MeasurementOptions measurement, TimeProvider clock)
{
    // A turn lives as long as its customer's activation, a million of them on a silo: what it keeps
    // is shared (options, ports) or made on first use (holdout draws, owed deliveries).
    private readonly TriggerThresholds _thresholds = options.Thresholds;
    /// <summary>This customer's holdout draw per campaign and holdout share: fixed for the activation, so hashed once, not per decision.</summary>
    private Dictionary<(string CampaignId, double HoldoutPercent), HoldoutAssignment>? _holdouts;
    /// <summary>The customer as last scored, for the audience counts at the end of a batch.</summary>
    private ScoredCustomer? _lastScored;
    /// <summary>Deliveries the engine owes for the decisions of this call, until the grain hands them to the outbox.</summary>
    private List<DeliveryOrder>? _orders;
    /// <summary>Reseeded for each decision's ranking (used only before the decision's first await).</summary>
    private SeededRandom? _random;

    private CustomerState S => state.State;

    /// <summary>Set when the journal alone could not rebuild the state (a profile merged in), so it should be snapshotted at once.</summary>
    public bool NeedsSnapshot { get; set; }

    /// <summary>The events of a batch not seen before (in the customer's memory or earlier in the batch), in order.</summary>
    public List<MarketingEvent> Unseen(IReadOnlyList<MarketingEvent> events)
    {
        // One event (most calls): no batch to be a duplicate within.
        if (events.Count == 1) return S.Dedup.HasSeen(events[0].EventId) ? [] : [events[0]];
        var fresh = new List<MarketingEvent>(events.Count);
        var inBatch = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (!S.Dedup.HasSeen(e.EventId) && inBatch.Add(e.EventId)) fresh.Add(e);
        }
        return fresh;
    }

    /// <summary>Ids the journal already held (re-sent after the customer forgot them): remembered, so they are answered as duplicates.</summary>
    public void AlreadyRecorded(IEnumerable<string> eventIds)
    {
        foreach (var eventId in eventIds) S.Dedup.TryRecord(eventId, options.DedupWindow);
    }

    /// <summary>
    /// Rebuilds behaviour from a journaled event after a restart or a move to another silo. No
    /// journeys run and no budget moves: the decisions of these events were made and answered
    /// before, and journey progress is restored from the snapshot. False for an event already in the state.
    /// </summary>
    public bool Replay(MarketingEvent e)
    {
        if (!S.Dedup.TryRecord(e.EventId, options.DedupWindow)) return false;
        var kind = EventCatalog.KindOf(e.Type);
        Settle(e, kind, replaying: true);
        if (!IsEngineReceipt(e)) S.RememberTriggers(Score(e, kind).Fired);
        return true;
    }

    /// <summary>One live event: its result, with the decisions and triggers it caused.</summary>
    public async ValueTask<EventResult> Apply(MarketingEvent e)
    {
        if (!S.Dedup.TryRecord(e.EventId, options.DedupWindow)) return EventResult.Duplicate(e.EventId);
        ports.Metrics.EventApplied("accepted");
        var kind = EventCatalog.KindOf(e.Type);
        if (IsEngineReceipt(e))
        {
            Settle(e, kind, replaying: false);
            return new EventResult { EventId = e.EventId, Status = EventStatus.Accepted };
        }
        if (e.Type == EventCatalog.Alias || e.Properties.ContainsKey(EventCatalog.AnonymousIdProperty)) await MergeAlias(e);
        Settle(e, kind, replaying: false);
        var (customer, fired) = Score(e, kind);
        // Live events only: a replay must not emit training rows or lookalike triggers a second time.
        fired.AddRange(ports.Learning.Observe(customerId, S.Outcomes, S.Triggers, customer, kind.Family == EventFamily.Conversion, (double)Math.Max(0, e.Value ?? 0)));
        S.RememberTriggers(fired);

        var signal = new JourneySignal(e.Type, kind.Family == EventFamily.Conversion, fired, customer.At);
        var decisions = await RunJourneys(signal, customer);
        return new EventResult { EventId = e.EventId, Status = EventStatus.Accepted, Decisions = [.. decisions], Triggers = [.. fired] };
    }

    /// <summary>The customer's timer: expire outcome windows, fire the cold-lead trigger, end waits; returns the decisions made.</summary>
    public async ValueTask<List<Decision>> Wake()
    {
        var now = Max(clock.GetUtcNow(), S.Profile.LastSeen);
        ports.Learning.Expire(customerId, S.Outcomes, now);
        var fired = new List<string>();
        if (TriggerDetector.IsColdLead(S.Triggers, _thresholds, S.Profile.LastEngagementAt, now)) fired.Add(TriggerNames.ColdLead);
        S.RememberTriggers(fired);
        var customer = ScoredCustomer.Score(customerId, S.Profile, ports.Models.Current, now);
        return await RunJourneys(new JourneySignal(null, false, fired, now), customer);
    }

    /// <summary>On-site personalization: the best action for a placement right now, or a decision explaining why none (null: no campaign has the placement).</summary>
    public async ValueTask<Decision?> NextBestAction(string placement)
    {
        var customer = ScoreNow();
        Decision? best = null;
        foreach (var campaign in ports.Campaigns.Active)
        {
            if (!campaign.Actions.Any(a => string.Equals(a.Placement, placement, StringComparison.OrdinalIgnoreCase))) continue;
            var decision = await Decide(campaign, null, placement, customer, trigger: null);
            if (decision.Action is not null && (best?.Action is null || decision.Scores.ExpectedValue > best.Scores.ExpectedValue)) best = decision;
            best ??= decision;
        }
        return best;
    }

    /// <summary>At the end of a batch: the audience memberships the last score implies, their changes counted.</summary>
    public void CountAudiences()
    {
        if (_lastScored is not { } scored) return;
        // Let go of it: a live customer would otherwise keep its last score (and features) between batches.
        _lastScored = null;
        var memberships = S.Audiences;
        Count(AudienceTally.Update(ref memberships, ports.Campaigns.Active, scored));
        S.Audiences = memberships;
    }

    /// <summary>Whether this customer matches <paramref name="rule"/> now, and may be sent marketing on <paramref name="channel"/>.</summary>
    public AudienceProbe ProbeAudience(AudienceRule rule, string? channel)
    {
        if (S.Profile.EventCount == 0) return AudienceProbe.Unknown;
        var matches = RuleEvaluator.Matches(rule, ScoreNow());
        return new AudienceProbe(true, matches, matches && channel is { } asked && S.Profile.HasConsent(asked, BehaviourProfile.MarketingPurpose));
    }

    /// <summary>The customer leaves every audience count (erased, or merged into another profile).</summary>
    public void LeaveAudiences() => Count(AudienceTally.Leave(S.Audiences));

    /// <summary>When the customer next wants to be woken without an event: the earliest journey wait or cold-lead check.</summary>
    public DateTimeOffset? NextWake()
    {
        var due = TriggerDetector.NextColdLeadCheck(S.Triggers, _thresholds, S.Profile.LastEngagementAt);
        return S.EarliestJourneyWake() is { } journey && (due is null || journey < due) ? journey : due;
    }

    /// <summary>The deliveries decided since the last call, for the outbox; the list starts empty again.</summary>
    public List<DeliveryOrder> TakeOrders()
    {
        var taken = _orders ?? [];
        _orders = null;
        return taken;
    }

    /// <summary>Orders the outbox could not take: handed over again with the next call.</summary>
    public void StillOwed(List<DeliveryOrder> orders) => (_orders ??= []).InsertRange(0, orders);

    /// <summary>
    /// A delivery about to go out later than decided (deferred, or retried by an operator): the
    /// guardrails that must still hold (empty: send it). A retried delivery whose reservation was
    /// released reserves its cost again first, so a retry never sends what the budget did not pay for.
    /// </summary>
    public async ValueTask<List<string>> CheckDelivery(string campaignId, string actionId, string decisionId)
    {
        var campaign = ports.Campaigns.Active.FirstOrDefault(c => c.Id == campaignId);
        var refusals = Eligibility.CheckAtSend(campaign, actionId, S.Profile, Max(clock.GetUtcNow(), S.Profile.LastSeen));
        if (refusals.Count > 0 || S.DecisionById(decisionId) is not { Status: DecisionStatus.Released } released) return refusals;
        var cost = campaign!.Actions.First(a => a.Id == actionId).Cost;
        var reservation = cost > 0 ? await ports.Budget.TryReserve(campaignId, cost) : null;
        if (cost > 0 && reservation is null) refusals.Add(BlockReasons.BudgetExhausted);
        else NeedsSnapshot |= released.Rearm(reservation);
        return refusals;
    }

    /// <summary>An action's content rendered for this customer as a decision now would render it, sending nothing.</summary>
    public RenderedMessage Preview(CampaignDefinition campaign, ActionOption action)
    {
        var previewId = "preview";
        return ActionTemplates.Render(ports.Deliveries.CompiledFor(campaign, action), ModelFor(campaign, action, previewId, ScoreNow()));
    }

    public ScoredCustomer ScoreNow() => ScoredCustomer.Score(customerId, S.Profile, ports.Models.Current, Max(clock.GetUtcNow(), S.Profile.LastSeen));

    /// <summary>Applies the event to the profile, scores it and returns the triggers it fired.</summary>
    private (ScoredCustomer Customer, List<string> Fired) Score(MarketingEvent e, EventKind kind)
    {
        S.Profile.Apply(e, kind);
        var customer = ScoredCustomer.Score(customerId, S.Profile, ports.Models.Current, S.Profile.LastSeen ?? e.Timestamp);
        S.LastLikelihood = customer.Likelihood;
        S.LastVelocity = customer.Velocity;
        S.ModelVersion = customer.ModelVersion;
        _lastScored = customer;
        var fired = TriggerDetector.OnScores(S.Triggers, _thresholds, customer.Likelihood, customer.Velocity,
            S.Profile.Engagement.ValueAt(EngagementVelocity.LongHorizon, customer.At));
        return (customer, fired);
    }

    private async ValueTask<List<Decision>> RunJourneys(JourneySignal signal, ScoredCustomer customer)
    {
        var decisions = new List<Decision>();
        foreach (var campaign in ports.Campaigns.Active)
        {
            var progress = S.JourneyOf(campaign.Id);
            var step = JourneyRunner.Advance(campaign, ref progress, signal, customer);
            if (progress is not null) S.PutJourney(campaign.Id, progress);
            var acts = 0;
            while (step is not null && progress is not null)
            {
                // The fuse, whatever the validator let through: a bounded number of acts per event and per hour, then the campaign pauses.
                if (acts >= options.MaxJourneyActsPerEvent || !progress.MayActAgain(signal.Now, options.MaxJourneyActsPerHour))
                {
                    progress.Finish(JourneyStatus.Exited, AnomalyGuard.DecisionFuse);
                    ports.Tallies.RecordFuseTrip(campaign.Id);
                    ports.Metrics.FuseTripped();
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

    /// <summary>
    /// Ranks the step's candidates, walks them best first until one is affordable (reserving its
    /// cost from the silo's lease; a held-out customer only checks), composes the decision, counts
    /// it, records it in the audit log and remembers it for delivery receipts and attribution.
    /// </summary>
    private async ValueTask<Decision> Decide(CampaignDefinition campaign, JourneyStep? step, string? placement, ScoredCustomer customer, string? trigger)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var random = (_random ??= new SeededRandom(0)).Reseed(StableSeed.Of(customerId, campaign.Id, S.Profile.EventCount, S.Decisions.Count));
        var segment = SegmentKey.Of(campaign.Segments, S.Profile.Traits, customer.Features);
        var ranking = NextBestActionPolicy.Rank(campaign, step?.ActionIds ?? [], placement, customer, ports.Campaigns.EvidenceOf(campaign.Id), segment, random);
        var holdout = HoldoutOf(campaign);
        // Held out after the same eligibility, ranking and budget check as everyone else; only the reservation is skipped.
        var heldOut = DecisionComposer.IsHeldOut(holdout, ranking);
        HashSet<string>? budgetBlocked = null;
        var chosen = -1;
        BudgetReservation? reservation = null;
        for (var i = 0; i < ranking.Eligible.Count && chosen < 0; i++)
        {
            var action = ranking.Eligible[i].Action;
            var affordable = action.Cost <= 0 || (heldOut
                ? await ports.Budget.CanAfford(campaign.Id, action.Cost)
                : (reservation = await ports.Budget.TryReserve(campaign.Id, action.Cost)) is not null);
            if (!affordable)
            {
                (budgetBlocked ??= []).Add(action.Id);
                continue;
            }
            chosen = i;
        }
        var composed = DecisionComposer.Compose(customerId, campaign, step, placement, customer, ranking, holdout, chosen, budgetBlocked ?? (IReadOnlySet<string>)FrozenSet<string>.Empty, trigger, segment);
        var measured = composed.Measured is { } m
            ? new MeasurementTally { Group = holdout.Group, Channel = m.Action.Channel, ActionId = m.Action.Id, Decisions = 1 }
            : null;
        ports.Tallies.RecordDecision(campaign.Id, composed.Picked?.Action.Id, segment, measured);
        // A held-out decision is the holdout arm's trial now: nothing will be delivered to make it one later.
        if (composed is { HeldOut: true, Policy: { } trace }) ports.Tallies.RecordPolicyTrial(campaign.Id, trace, holdout.Group);
        var decision = composed.Picked is { } picked ? Routed(campaign, picked.Action, composed.Decision, customer) : composed.Decision;
        ports.Metrics.Decided(composed.Picked is not null, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        await ports.Decisions.Record(decision, S.AuditRef ??= Guid.NewGuid().ToString("N"));
        S.Remember(DecisionRecord.Of(composed, reservation), options.RecentDecisions);
        return decision;
    }

    /// <summary>
    /// Who delivers the chosen action and when: an on-site placement, or a channel without a
    /// connector, is the caller's; otherwise the engine renders it now and owes a delivery (not
    /// before the end of deferring quiet hours). The audit records the decision as routed.
    /// </summary>
    private Decision Routed(CampaignDefinition campaign, ActionOption action, Decision decision, ScoredCustomer customer)
    {
        var deferredTo = Eligibility.QuietHoursEnd(campaign.Guardrails.QuietHours, action.Channel, S.Profile.TimeZone, customer.At);
        var engine = action.Placement is null && ports.Deliveries.Delivers(action.Channel);
        decision = decision with { DeliveredBy = engine ? DeliveredBy.Engine : DeliveredBy.Caller, DeliverAfter = deferredTo };
        if (!engine) return decision;
        RenderedMessage? message = null;
        string? renderError = null;
        if (action.Content is not null)
        {
            try
            {
                message = ActionTemplates.Render(ports.Deliveries.CompiledFor(campaign, action), ModelFor(campaign, action, decision.DecisionId, customer));
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
            {
                // A template over its step budget fails its delivery (dead-lettered with the reason), never the decision.
                renderError = e.Message;
            }
        }
        (_orders ??= []).Add(new DeliveryOrder
        {
            DecisionId = decision.DecisionId, CustomerId = customerId, CampaignId = campaign.Id, ActionId = action.Id, Channel = action.Channel,
            Variant = action.Variant, Locale = action.Locale, DecidedAt = decision.DecidedAt, DeliverAfter = deferredTo, Message = message,
            Address = ChannelAddress.Of(action.Channel, S.Profile.Traits), JourneyStepId = decision.JourneyStepId, RenderError = renderError,
        });
        return decision;
    }

    private ContentModel ModelFor(CampaignDefinition campaign, ActionOption action, string decisionId, ScoredCustomer customer) => new(
        customerId, S.Profile.Traits, CustomerFeatures.ToDictionary(customer.Features), decisionId, campaign.Id, campaign.Name, action.Id, action.Variant,
        action.Channel, action.Locale ?? S.Profile.Locale, ports.Deliveries.UnsubscribeUrl(customerId, action.Channel, decisionId));

    private HoldoutAssignment HoldoutOf(CampaignDefinition campaign)
    {
        _holdouts ??= [];
        if (!_holdouts.TryGetValue((campaign.Id, campaign.HoldoutPercent), out var holdout))
        {
            holdout = HoldoutDraw.Assign(measurement.Salt, measurement.SaltId, customerId, campaign.Id, campaign.HoldoutPercent, measurement.GlobalControlPercent);
            _holdouts[(campaign.Id, campaign.HoldoutPercent)] = holdout;
        }
        return holdout;
    }

    /// <summary>
    /// The outbox's own receipt settles its decision (spend, evidence, the contact) and is not
    /// behaviour: not scored, not matched against journeys, not learned from, live or on replay.
    /// </summary>
    private static bool IsEngineReceipt(MarketingEvent e) =>
        e.Type is EventCatalog.ActionDelivered or EventCatalog.ActionFailed && e.Properties.ContainsKey(EventCatalog.EngineReceiptProperty);

    /// <summary>
    /// What an event reports about an earlier decision: a delivery receipt confirms its spend, a
    /// failure releases it, a conversion is attributed, an opt-out is blamed on the delivery that
    /// provoked it. Budget and tallies move only live, never on replay; the decision record's
    /// status moves either way, through its own guarded transitions.
    /// </summary>
    private void Settle(MarketingEvent e, EventKind kind, bool replaying)
    {
        if (e.DecisionId is not null && (e.Type == EventCatalog.ActionDelivered || kind.Family == EventFamily.Contact))
        {
            var record = S.DecisionById(e.DecisionId);
            if (record is null || !record.Deliver()) return;
            if (!replaying)
            {
                if (record.Reservation is { } r) ports.Budget.Confirm(r);
                ports.Tallies.RecordDelivery(record.CampaignId, record.ActionId!, record.Segment);
                if (record.Policy is { } trace) ports.Tallies.RecordPolicyTrial(record.CampaignId, trace, MeasurementGroup.Treated);
                ports.Tallies.Measure(record.CampaignId, new MeasurementTally { Group = record.Group, Channel = record.Channel!, ActionId = record.ActionId, Sends = 1, Spend = record.Reservation?.Amount ?? 0 });
            }
            // A bare delivery receipt is the contact; a channel event (email_sent) is counted by the profile itself.
            if (e.Type == EventCatalog.ActionDelivered) S.Profile.RecordContact(record.Channel!, e.Timestamp);
        }
        else if (e.DecisionId is not null && e.Type == EventCatalog.ActionFailed)
        {
            var record = S.DecisionById(e.DecisionId);
            if (record is null || !record.Fail() || replaying) return;
            if (record.Reservation is { } r) ports.Budget.Release(r);
            if (record.ActionId is { } actionId) ports.Tallies.RecordFailure(record.CampaignId, actionId, record.Segment);
        }
        else if (!replaying && e.Type is EventCatalog.Unsubscribe or EventCatalog.ConsentRevoked or EventCatalog.Complaint)
        {
            // Blamed on the delivery that provoked it, so the campaign's anomaly guard sees its opt-out rate.
            var record = S.AttributionFor(e.DecisionId, e.CampaignId, e.Timestamp, options.AttributionWindow);
            if (record is { Status: DecisionStatus.Delivered or DecisionStatus.Converted })
                ports.Tallies.RecordOptOut(record.CampaignId, complaint: e.Type == EventCatalog.Complaint);
        }
        else if (IsEngagement(kind))
        {
            // The customer came back or clicked after a decision: the contextual policy's leading signal of conversion.
            var record = S.AttributionFor(e.DecisionId, e.CampaignId, e.Timestamp, options.AttributionWindow);
            if (record is null || !record.Engage() || replaying) return;
            if (record.Policy is { } trace) ports.Tallies.RecordPolicyEngagement(record.CampaignId, trace, record.Group);
        }
        else if (kind.Family == EventFamily.Conversion)
        {
            var record = S.AttributionFor(e.DecisionId, e.CampaignId, e.Timestamp, options.AttributionWindow);
            if (record is null) return;
            var held = record.Status == DecisionStatus.Held;
            var undelivered = record.Status == DecisionStatus.Reserved;
            if (!record.Convert()) return;
            // Marked in replay too, as the status is: a visit after a restart must not count the converted decision's engagement again.
            var firstEngagement = record.Engage();
            if (replaying) return;
            var revenue = Math.Max(0, e.Value ?? 0);
            // Holdout conversions measure lift but are no evidence about a variant nobody received.
            if (!held) ports.Tallies.RecordConversion(record.CampaignId, record.ActionId!, record.Segment, revenue);
            if (record.Policy is { } trace)
            {
                // A conversion that settles a decision before its receipt makes it a trial first, so no revenue is without one;
                // a conversion is an engagement too, so an arm's conversions never outnumber its engagements.
                if (undelivered) ports.Tallies.RecordPolicyTrial(record.CampaignId, trace, MeasurementGroup.Treated);
                if (firstEngagement) ports.Tallies.RecordPolicyEngagement(record.CampaignId, trace, record.Group);
                ports.Tallies.RecordPolicyRevenue(record.CampaignId, trace, (double)revenue, record.Group);
            }
            ports.Tallies.Measure(record.CampaignId, new MeasurementTally
            {
                Group = record.Group, Channel = record.Channel!, ActionId = record.ActionId, Conversions = 1, Revenue = revenue, RevenueSquares = (double)revenue * (double)revenue,
            });
        }
    }

    /// <summary>
    /// What the customer did on their own (a visit, a view, a click, intent): an open is not, as
    /// mailbox privacy features open mail for nobody.
    /// </summary>
    private static bool IsEngagement(EventKind kind) =>
        kind.Family is EventFamily.Engagement or EventFamily.Intent && kind.Interaction != ChannelInteraction.Opened;

    /// <summary>An alias links an anonymous profile to this customer: its state is handed over and merged in, nothing of either lost.</summary>
    private async ValueTask MergeAlias(MarketingEvent e)
    {
        var previous = e.Properties.GetValueOrDefault(EventCatalog.PreviousIdProperty) ?? e.Properties.GetValueOrDefault(EventCatalog.AnonymousIdProperty);
        if (string.IsNullOrEmpty(previous) || previous == customerId || S.MergedFrom.Contains(previous)) return;
        var handed = await ports.Profiles.HandOver(previous, customerId);
        S.RememberMergedFrom(previous);
        if (handed is null) return;
        S.MergeFrom(handed, options.RecentDecisions, options.DedupWindow);
        NeedsSnapshot = true;
    }

    private void Count(List<(string CampaignId, AudienceCount Delta)> changes)
    {
        foreach (var (campaignId, delta) in changes) ports.Tallies.RecordAudience(campaignId, delta);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset? b) => b is { } x && x > a ? x : a;
}
