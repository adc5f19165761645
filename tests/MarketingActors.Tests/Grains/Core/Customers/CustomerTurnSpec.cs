using MarketingActors.Campaigns;
using MarketingActors.Core.Customers;
using MarketingActors.Core.Governance;
using MarketingActors.Core.Journeys;
using MarketingActors.Core.Measurement;
using MarketingActors.Events;
using MarketingActors.Measurement;
using MarketingActors.Tests.Support;
using static MarketingActors.Tests.Support.TestCustomers;

namespace MarketingActors.Tests.Grains.Core.Customers;

/// <summary>The whole per-customer decision path, without Orleans: events in, decisions and what reached each port out.</summary>
public class CustomerTurnSpec
{
    private const string Customer = "turn-customer";
    private readonly FixedClock _clock = new(T0);
    private readonly CustomerOptions _options = new();

    private (CustomerTurn Turn, CustomerState State, InMemoryCustomerPorts Ports) Turn(string customerId = Customer, params CampaignDefinition[] campaigns)
    {
        var ports = new InMemoryCustomerPorts(campaigns);
        var state = new CustomerState();
        return (new CustomerTurn(customerId, state, ports.Ports, _options, new MeasurementOptions(), _clock), state, ports);
    }

    private static MarketingEvent View(string customerId = Customer, DateTimeOffset? at = null) => TestEvents.Of(customerId, "product_view", at ?? T0);

    [Fact]
    public async Task An_entry_event_decides_reserves_its_cost_audits_and_remembers_the_decision()
    {
        var (turn, state, ports) = Turn(campaigns: PaidOnView());
        ports.Budget["paid"] = 10m;

        var result = await turn.Apply(View());

        var decision = Assert.Single(result.Decisions);
        Assert.Equal("ad", decision.Action?.ActionId);
        Assert.Equal(9m, ports.Budget["paid"]);
        Assert.Equal(decision.DecisionId, Assert.Single(ports.AuditLog).Decision.DecisionId);
        Assert.Equal(("paid", "ad", (string?)null), Assert.Single(ports.Tallied));
        var record = Assert.Single(state.Decisions);
        Assert.Equal(DecisionStatus.Reserved, record.Status);
        Assert.Equal(1m, record.Reservation?.Amount);
    }

    [Fact]
    public async Task A_delivery_receipt_confirms_the_spend_once_however_often_it_arrives()
    {
        var (turn, state, ports) = Turn(campaigns: PaidOnView());
        var decision = Assert.Single((await turn.Apply(View())).Decisions);

        await turn.Apply(TestEvents.Of(Customer, EventCatalog.ActionDelivered, T0.AddMinutes(1), decisionId: decision.DecisionId));
        await turn.Apply(TestEvents.Of(Customer, EventCatalog.ActionDelivered, T0.AddMinutes(2), decisionId: decision.DecisionId));

        Assert.Single(ports.Confirmed);
        Assert.Single(ports.Deliveries);
        Assert.Equal(DecisionStatus.Delivered, Assert.Single(state.Decisions).Status);
    }

    [Fact]
    public async Task A_failed_delivery_releases_the_reservation_and_a_late_receipt_changes_nothing()
    {
        var (turn, state, ports) = Turn(campaigns: PaidOnView());
        ports.Budget["paid"] = 5m;
        var decision = Assert.Single((await turn.Apply(View())).Decisions);

        await turn.Apply(TestEvents.Of(Customer, EventCatalog.ActionFailed, T0.AddMinutes(1), decisionId: decision.DecisionId));
        await turn.Apply(TestEvents.Of(Customer, EventCatalog.ActionDelivered, T0.AddMinutes(2), decisionId: decision.DecisionId));

        Assert.Equal(5m, ports.Budget["paid"]);
        Assert.Single(ports.Released);
        Assert.Empty(ports.Confirmed);
        Assert.Empty(ports.Deliveries);
        Assert.Equal(DecisionStatus.Released, Assert.Single(state.Decisions).Status);
    }

    [Fact]
    public async Task A_conversion_is_credited_to_the_delivered_decision_once()
    {
        var (turn, _, ports) = Turn(campaigns: PaidOnView());
        var decision = Assert.Single((await turn.Apply(View())).Decisions);
        await turn.Apply(TestEvents.Of(Customer, EventCatalog.ActionDelivered, T0.AddMinutes(1), decisionId: decision.DecisionId));

        await turn.Apply(TestEvents.Of(Customer, "purchase", T0.AddMinutes(5), decisionId: decision.DecisionId, value: 40m));
        await turn.Apply(TestEvents.Of(Customer, "purchase", T0.AddMinutes(6), decisionId: decision.DecisionId, value: 40m));

        Assert.Equal(("paid", "ad", 40m), Assert.Single(ports.Conversions));
    }

    [Fact]
    public async Task Replaying_the_journal_rebuilds_behaviour_and_statuses_without_moving_budget_or_tallies()
    {
        var (live, liveState, _) = Turn(campaigns: PaidOnView());
        var view = View();
        var decision = Assert.Single((await live.Apply(view)).Decisions);
        var receipt = TestEvents.Of(Customer, EventCatalog.ActionDelivered, T0.AddMinutes(1), decisionId: decision.DecisionId);
        await live.Apply(receipt);

        var (replayed, state, ports) = Turn(campaigns: PaidOnView());
        RestoreDecisionsAsReserved(liveState, state);
        Assert.True(replayed.Replay(view));
        Assert.True(replayed.Replay(receipt));
        Assert.False(replayed.Replay(receipt));

        Assert.Equal(liveState.Profile.EventCount, state.Profile.EventCount);
        Assert.Equal(DecisionStatus.Delivered, Assert.Single(state.Decisions).Status);
        Assert.Empty(ports.Confirmed);
        Assert.Empty(ports.Deliveries);
        Assert.Empty(ports.AuditLog);
    }

    [Fact]
    public async Task Only_events_not_seen_before_or_earlier_in_the_batch_are_unseen()
    {
        var (turn, _, _) = Turn();
        var seen = View();
        await turn.Apply(seen);
        var fresh = View();

        var unseen = turn.Unseen([seen, fresh, fresh]);

        Assert.Equal([fresh.EventId], unseen.Select(e => e.EventId));
        Assert.Equal(EventStatus.Duplicate, (await turn.Apply(seen)).Status);
    }

    [Fact]
    public async Task A_held_out_customer_is_checked_for_budget_like_everyone_but_nothing_is_reserved()
    {
        var campaign = PaidOnView() with { HoldoutPercent = 50 };
        var heldOut = Enumerable.Range(0, 200).Select(i => $"holdout-probe-{i}")
            .First(id => HoldoutDraw.Assign(new MeasurementOptions().Salt, new MeasurementOptions().SaltId, id, campaign.Id, 50, 0).Group == MarketingActors.Measurement.MeasurementGroup.CampaignHoldout);
        var (turn, state, ports) = Turn(heldOut, campaign);
        ports.Budget["paid"] = 3m;

        var decision = Assert.Single((await turn.Apply(View(heldOut))).Decisions);

        Assert.Null(decision.Action);
        Assert.Equal("ad", decision.WouldHaveSent?.ActionId);
        Assert.Equal(3m, ports.Budget["paid"]);
        Assert.Equal(DecisionStatus.Held, Assert.Single(state.Decisions).Status);
        Assert.Contains(ports.Measured, m => m.Tally.Group == MarketingActors.Measurement.MeasurementGroup.CampaignHoldout && m.Tally.Decisions == 1);
    }

    [Fact]
    public async Task Without_budget_the_decision_says_so_and_sends_nothing()
    {
        var (turn, state, ports) = Turn(campaigns: PaidOnView());
        ports.Budget["paid"] = 0.5m;

        var decision = Assert.Single((await turn.Apply(View())).Decisions);

        Assert.Null(decision.Action);
        Assert.Contains("budget", decision.Reason);
        Assert.Equal(DecisionStatus.NoAction, Assert.Single(state.Decisions).Status);
    }

    [Fact]
    public async Task A_journey_that_loops_is_stopped_by_the_fuse_after_the_per_event_limit()
    {
        // Built directly, past the validator, as a definition stored before the journey compiler would be.
        var looping = PaidOnView() with
        {
            Budget = new BudgetEnvelope { Total = 1_000m, Currency = "USD" },
            Actions = [new ActionOption { Id = "ad", Channel = "ads", Variant = "banner", Cost = 0m }],
            Journey = new JourneyDefinition { EntryTrigger = "product_view", Steps = [new JourneyStep { Id = "loop", Kind = StepKind.Action, Next = "loop" }] },
        };
        var (turn, state, ports) = Turn(campaigns: looping);

        var result = await turn.Apply(View());

        Assert.Equal(_options.MaxJourneyActsPerEvent, result.Decisions.Length);
        Assert.Equal(["paid"], ports.FuseTrips);
        Assert.DoesNotContain(state.Journeys.Values, j => j.Status == JourneyStatus.Active);
        Assert.Equal(AnomalyGuard.DecisionFuse, Assert.Single(state.Journeys.Values.Where(j => j.ExitReason is not null).Select(j => j.ExitReason)));
    }

    [Fact]
    public async Task An_alias_takes_over_the_anonymous_profile_and_asks_for_a_snapshot()
    {
        var (anonymousTurn, anonymous, _) = Turn("anon-1");
        await anonymousTurn.Apply(View("anon-1"));
        await anonymousTurn.Apply(View("anon-1", T0.AddMinutes(1)));
        var (turn, state, ports) = Turn();
        ports.AnonymousProfiles["anon-1"] = anonymous;

        await turn.Apply(TestEvents.Of(Customer, EventCatalog.Alias, T0.AddMinutes(2), properties: new() { ["previousId"] = "anon-1" }));

        Assert.True(turn.NeedsSnapshot);
        Assert.Equal(["anon-1"], state.MergedFrom);
        Assert.Equal(3, state.Profile.EventCount);
        Assert.Empty(ports.AnonymousProfiles);
    }

    [Fact]
    public async Task The_customers_first_engagement_after_a_contextual_decision_is_evidence_for_its_arm_once_and_an_open_is_none()
    {
        var (turn, state, ports) = Turn(campaigns: ContextualOnView());
        var decision = Assert.Single((await turn.Apply(View())).Decisions);
        await turn.Apply(TestEvents.Of(Customer, EventCatalog.ActionDelivered, T0.AddMinutes(1), decisionId: decision.DecisionId));

        await turn.Apply(TestEvents.Of(Customer, "email_opened", T0.AddMinutes(2), channel: "email"));
        Assert.Empty(ports.PolicyEngagements);
        await turn.Apply(TestEvents.Of(Customer, "page_view", T0.AddHours(1)));
        await turn.Apply(TestEvents.Of(Customer, "page_view", T0.AddHours(2)));
        await turn.Apply(TestEvents.Of(Customer, EventCatalog.Purchase, T0.AddHours(3), value: 30m));

        var (campaignId, trace, group) = Assert.Single(ports.PolicyEngagements);
        Assert.Equal(("paid", "ad", MeasurementGroup.Treated), (campaignId, trace.ArmId, group));
        Assert.Single(ports.PolicyRevenues);
        Assert.True(Assert.Single(state.Decisions).Engaged);
    }

    [Fact]
    public async Task A_conversion_without_an_engagement_before_it_is_one_so_no_arm_converts_more_than_it_engages()
    {
        var (turn, _, ports) = Turn(campaigns: ContextualOnView());
        var decision = Assert.Single((await turn.Apply(View())).Decisions);
        await turn.Apply(TestEvents.Of(Customer, EventCatalog.ActionDelivered, T0.AddMinutes(1), decisionId: decision.DecisionId));

        await turn.Apply(TestEvents.Of(Customer, EventCatalog.Purchase, T0.AddHours(3), decisionId: decision.DecisionId, value: 30m));
        Assert.Single(ports.PolicyEngagements);
        await turn.Apply(TestEvents.Of(Customer, "page_view", T0.AddHours(4)));

        Assert.Single(ports.PolicyEngagements);
        Assert.Single(ports.PolicyRevenues);
    }

    [Fact]
    public async Task A_conversion_replayed_after_a_restart_still_marks_its_decision_engaged_so_a_later_visit_is_not_counted_again()
    {
        var (live, liveState, liveTallies) = Turn(campaigns: ContextualOnView());
        var view = View();
        var decision = Assert.Single((await live.Apply(view)).Decisions);
        var receipt = TestEvents.Of(Customer, EventCatalog.ActionDelivered, T0.AddMinutes(1), decisionId: decision.DecisionId);
        var purchase = TestEvents.Of(Customer, EventCatalog.Purchase, T0.AddHours(1), decisionId: decision.DecisionId, value: 30m);
        await live.Apply(receipt);
        await live.Apply(purchase);
        Assert.Single(liveTallies.PolicyEngagements);

        var (replayed, state, ports) = Turn(campaigns: ContextualOnView());
        RestoreDecisionsAsReserved(liveState, state);
        foreach (var e in new[] { view, receipt, purchase }) Assert.True(replayed.Replay(e));
        await replayed.Apply(TestEvents.Of(Customer, "page_view", T0.AddHours(2)));

        Assert.True(Assert.Single(state.Decisions).Engaged);
        Assert.Empty(ports.PolicyEngagements);
    }

    [Fact]
    public async Task An_engagement_before_the_delivery_receipt_or_outside_the_attribution_window_is_no_evidence()
    {
        var (turn, state, ports) = Turn(campaigns: ContextualOnView());
        var decision = Assert.Single((await turn.Apply(View())).Decisions);

        await turn.Apply(TestEvents.Of(Customer, "page_view", T0.AddMinutes(1), decisionId: decision.DecisionId));
        await turn.Apply(TestEvents.Of(Customer, EventCatalog.ActionDelivered, T0.AddMinutes(2), decisionId: decision.DecisionId));
        await turn.Apply(TestEvents.Of(Customer, "page_view", T0 + _options.AttributionWindow + TimeSpan.FromMinutes(1)));

        Assert.Empty(ports.PolicyEngagements);
        Assert.False(Assert.Single(state.Decisions).Engaged);
    }

    /// <summary>A snapshot taken when the decisions were made: each one still reserved, for the journal's receipts and conversions to move on replay.</summary>
    private static void RestoreDecisionsAsReserved(CustomerState live, CustomerState into)
    {
        foreach (var d in live.Decisions)
        {
            into.Remember(new DecisionRecord
            {
                DecisionId = d.DecisionId, CampaignId = d.CampaignId, ActionId = d.ActionId, Channel = d.Channel, Reservation = d.Reservation, DecidedAt = d.DecidedAt,
                Status = DecisionStatus.Reserved, Policy = d.Policy,
            }, keep: int.MaxValue);
        }
    }

    private static CampaignDefinition ContextualOnView() =>
        PaidOnView() with { Policy = new DecisionPolicy { Context = [new SegmentDimension { Trait = "tier" }] } };

    private static CampaignDefinition PaidOnView()
    {
        var paid = SampleCampaigns.PaidPerView("paid", total: 10m, cost: 1m);
        return paid with { Status = CampaignStatus.Active, Journey = paid.Journey with { EntryTrigger = "product_view" } };
    }
}
