using MarketingActors.Campaigns;
using MarketingActors.Core.Customers;
using MarketingActors.Core.Decisions;
using MarketingActors.Core.Measurement;
using MarketingActors.Decisions;
using MarketingActors.Events;
using MarketingActors.Tests.Support;
using static MarketingActors.Tests.Support.TestCustomers;

namespace MarketingActors.Tests.Grains.Core.Customers;

/// <summary>What a turn owes the outbox: who delivers each decision, its rendered content, when it may go out, and the check before a late send.</summary>
public class CustomerTurnDeliverySpec
{
    private const string Customer = "delivery-customer";
    private readonly FixedClock _clock = new(T0);

    private (CustomerTurn Turn, CustomerState State, InMemoryCustomerPorts Ports) Turn(CampaignDefinition campaign)
    {
        var ports = new InMemoryCustomerPorts(campaign);
        var state = new CustomerState();
        return (new CustomerTurn(Customer, state, ports.Ports, new CustomerOptions(), new MeasurementOptions(), _clock), state, ports);
    }

    private static CampaignDefinition EmailOnView(QuietHours? quiet = null, int? waitMinutes = null)
    {
        var action = new ActionOption
        {
            Id = "welcome", Channel = "email", Variant = "welcome", Cost = 1m,
            Content = new ActionContent { Subject = "Hi {{ customer.traits.first_name | default: \"there\" }}", Text = "Stop: {{ unsubscribe_url }}" },
        };
        JourneyStep[] steps = waitMinutes is { } m
            ? [new JourneyStep { Id = "wait", Kind = StepKind.Wait, Duration = TimeSpan.FromMinutes(m) }, new JourneyStep { Id = "send", Kind = StepKind.Action }]
            : [new JourneyStep { Id = "send", Kind = StepKind.Action }];
        return new CampaignDefinition
        {
            Id = "welcome", Name = "Welcome", Status = CampaignStatus.Active, Actions = [action],
            Journey = new JourneyDefinition { EntryTrigger = "product_view", Steps = steps },
            Budget = new BudgetEnvelope { Total = 100m, Currency = "USD" },
            Guardrails = new Guardrails { QuietHours = quiet },
        };
    }

    private static async Task Consent(CustomerTurn turn, DateTimeOffset at, string timeZone = "UTC")
    {
        await turn.Apply(TestEvents.Of(Customer, EventCatalog.Identify, at, properties: new() { ["first_name"] = "Ana", ["email"] = "ana@example.com", ["timezone"] = timeZone }));
        await turn.Apply(TestEvents.Of(Customer, EventCatalog.ConsentGranted, at, channel: "email"));
    }

    /// <summary>An email decision that reserved the whole 1.00 budget and whose delivery then failed.</summary>
    private async Task<(CustomerTurn Turn, CustomerState State, InMemoryCustomerPorts Ports, Decision Decision)> FailedDelivery()
    {
        var (turn, state, ports) = Turn(EmailOnView());
        ports.DeliveredChannels.Add("email");
        ports.Budget["welcome"] = 1m;
        await Consent(turn, T0);
        var decision = Assert.Single((await turn.Apply(TestEvents.Of(Customer, "product_view", T0))).Decisions);
        await turn.Apply(TestEvents.Of(Customer, EventCatalog.ActionFailed, T0.AddMinutes(1), decisionId: decision.DecisionId));
        return (turn, state, ports, decision);
    }

    [Fact]
    public async Task Without_a_connector_the_caller_delivers_and_nothing_is_owed()
    {
        var (turn, _, _) = Turn(EmailOnView());
        await Consent(turn, T0);

        var decision = Assert.Single((await turn.Apply(TestEvents.Of(Customer, "product_view", T0))).Decisions);

        Assert.Equal(DeliveredBy.Caller, decision.DeliveredBy);
        Assert.Empty(turn.TakeOrders());
    }

    [Fact]
    public async Task With_a_connector_the_engine_owes_a_delivery_rendered_for_the_customer_with_their_unsubscribe_link()
    {
        var (turn, _, ports) = Turn(EmailOnView());
        ports.DeliveredChannels.Add("email");
        ports.UnsubscribeBase = "https://engine.test/u";
        await Consent(turn, T0);

        var decision = Assert.Single((await turn.Apply(TestEvents.Of(Customer, "product_view", T0))).Decisions);

        Assert.Equal(DeliveredBy.Engine, decision.DeliveredBy);
        var order = Assert.Single(turn.TakeOrders());
        Assert.Equal((decision.DecisionId, "ana@example.com", "Hi Ana"), (order.DecisionId, order.Address, order.Message?.Subject));
        Assert.Equal($"Stop: https://engine.test/u/{Customer}/email/{decision.DecisionId}", order.Message?.Text);
        Assert.Null(order.DeliverAfter);
        Assert.Empty(turn.TakeOrders());
        Assert.Equal(DeliveredBy.Engine, Assert.Single(ports.AuditLog).Decision.DeliveredBy);
    }

    [Fact]
    public async Task A_decision_made_when_a_wait_ends_on_wake_up_is_owed_like_one_made_by_an_event()
    {
        var (turn, _, ports) = Turn(EmailOnView(waitMinutes: 30));
        ports.DeliveredChannels.Add("email");
        await Consent(turn, T0);
        Assert.Empty((await turn.Apply(TestEvents.Of(Customer, "product_view", T0))).Decisions);

        _clock.Advance(TimeSpan.FromMinutes(31));
        var woke = await turn.Wake();

        var decision = Assert.Single(woke, d => d.Action is not null);
        Assert.Equal(decision.DecisionId, Assert.Single(turn.TakeOrders()).DecisionId);
    }

    [Fact]
    public async Task Deferring_quiet_hours_let_the_action_be_chosen_and_delay_its_delivery_to_the_local_morning()
    {
        var quiet = new QuietHours { Start = new TimeOnly(21, 0), End = new TimeOnly(8, 0), Mode = QuietHoursMode.Defer };
        var (turn, _, ports) = Turn(EmailOnView(quiet));
        ports.DeliveredChannels.Add("email");
        var lateEvening = new DateTimeOffset(2025, 6, 2, 23, 0, 0, TimeSpan.Zero);
        _clock.Now = lateEvening;
        await Consent(turn, lateEvening);

        var decision = Assert.Single((await turn.Apply(TestEvents.Of(Customer, "product_view", lateEvening))).Decisions);

        Assert.NotNull(decision.Action);
        Assert.Equal(new DateTimeOffset(2025, 6, 3, 8, 0, 0, TimeSpan.Zero), decision.DeliverAfter);
        Assert.Equal(decision.DeliverAfter, Assert.Single(turn.TakeOrders()).DeliverAfter);
    }

    [Fact]
    public async Task Skipping_quiet_hours_block_the_action_as_before()
    {
        var quiet = new QuietHours { Start = new TimeOnly(21, 0), End = new TimeOnly(8, 0) };
        var (turn, _, ports) = Turn(EmailOnView(quiet));
        ports.DeliveredChannels.Add("email");
        var lateEvening = new DateTimeOffset(2025, 6, 2, 23, 0, 0, TimeSpan.Zero);
        _clock.Now = lateEvening;
        await Consent(turn, lateEvening);

        var decision = Assert.Single((await turn.Apply(TestEvents.Of(Customer, "product_view", lateEvening))).Decisions);

        Assert.Null(decision.Action);
        Assert.Empty(turn.TakeOrders());
    }

    [Fact]
    public async Task The_outboxs_receipt_confirms_the_spend_and_counts_the_contact_but_is_not_behaviour_of_the_customer()
    {
        var (turn, state, ports) = Turn(EmailOnView());
        ports.DeliveredChannels.Add("email");
        await Consent(turn, T0);
        var decision = Assert.Single((await turn.Apply(TestEvents.Of(Customer, "product_view", T0))).Decisions);
        var events = state.Profile.EventCount;

        var receipt = TestEvents.Of(Customer, EventCatalog.ActionDelivered, T0.AddMinutes(1), decisionId: decision.DecisionId,
            properties: new() { [EventCatalog.EngineReceiptProperty] = "smtp" });
        Assert.Equal(EventStatus.Accepted, (await turn.Apply(receipt)).Status);

        Assert.Equal(events, state.Profile.EventCount);
        Assert.Single(ports.Confirmed);
        Assert.Equal(("welcome", "welcome"), Assert.Single(ports.Deliveries));
        Assert.Equal(DecisionStatus.Delivered, Assert.Single(state.Decisions).Status);
        Assert.Equal(1, state.Profile.ContactHistory.CountWithin("email", TimeSpan.FromDays(1), T0.AddMinutes(2)));
    }

    [Fact]
    public async Task A_late_send_is_refused_once_consent_was_withdrawn_meanwhile()
    {
        var (turn, _, ports) = Turn(EmailOnView());
        ports.DeliveredChannels.Add("email");
        await Consent(turn, T0);
        var decision = Assert.Single((await turn.Apply(TestEvents.Of(Customer, "product_view", T0))).Decisions);
        Assert.Empty(await turn.CheckDelivery("welcome", "welcome", decision.DecisionId));

        await turn.Apply(TestEvents.Of(Customer, EventCatalog.Unsubscribe, T0.AddMinutes(1), channel: "email"));

        Assert.Equal([BlockReasons.ConsentMissing], await turn.CheckDelivery("welcome", "welcome", decision.DecisionId));
    }

    [Fact]
    public async Task A_retried_delivery_after_a_failure_reserves_its_cost_again_and_the_failure_counted_in_the_evidence()
    {
        var (turn, state, ports, decision) = await FailedDelivery();
        Assert.Equal(("welcome", "welcome"), Assert.Single(ports.Failures));
        Assert.Equal(1m, ports.Budget["welcome"]);

        Assert.Empty(await turn.CheckDelivery("welcome", "welcome", decision.DecisionId));

        Assert.Equal(0m, ports.Budget["welcome"]);
        Assert.Equal(DecisionStatus.Reserved, Assert.Single(state.Decisions).Status);
    }

    [Fact]
    public async Task A_retry_the_budget_cannot_pay_for_is_refused()
    {
        var (turn, _, ports, decision) = await FailedDelivery();
        ports.Budget["welcome"] = 0.5m;

        Assert.Equal([BlockReasons.BudgetExhausted], await turn.CheckDelivery("welcome", "welcome", decision.DecisionId));
    }
}
