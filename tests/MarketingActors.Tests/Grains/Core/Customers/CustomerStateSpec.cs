using MarketingActors.Core.Budget;
using MarketingActors.Core.Customers;
using MarketingActors.Core.Decisions;
using MarketingActors.Core.Journeys;
using MarketingActors.Measurement;
using static MarketingActors.Tests.Support.TestCustomers;

namespace MarketingActors.Tests.Grains.Core.Customers;

public class CustomerStateSpec
{
    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    private static DecisionRecord Decision(string id, DateTimeOffset at, DecisionStatus status, string campaign = "spring", string? action = "email-a") =>
        new() { DecisionId = id, CampaignId = campaign, ActionId = action, Channel = "email", DecidedAt = at, Status = status };

    private static CustomerState With(params DecisionRecord[] decisions)
    {
        var s = new CustomerState();
        foreach (var d in decisions) s.Remember(d, keep: 20);
        return s;
    }

    [Fact]
    public void An_outcome_with_a_decision_id_is_attributed_to_that_decision()
    {
        var s = With(Decision("d1", T0, DecisionStatus.Delivered), Decision("d2", T0.AddHours(1), DecisionStatus.Delivered));
        Assert.Equal("d1", s.AttributionFor("d1", null, T0.AddDays(30), Week)?.DecisionId);
    }

    [Fact]
    public void A_decision_is_found_by_exactly_the_id_it_was_given_whether_engine_made_or_not()
    {
        var engineMade = Guid.CreateVersion7().ToString("N");
        var capitals = Guid.CreateVersion7().ToString("N").ToUpperInvariant();
        var s = With(Decision(engineMade, T0, DecisionStatus.Delivered), Decision(capitals, T0, DecisionStatus.Delivered), Decision("d-1", T0, DecisionStatus.Delivered));

        Assert.Equal([engineMade, capitals, "d-1"], s.Decisions.Select(d => d.DecisionId));
        Assert.Equal(engineMade, s.DecisionById(engineMade)?.DecisionId);
        Assert.Equal(capitals, s.DecisionById(capitals)?.DecisionId);
        Assert.Equal("d-1", s.DecisionById("d-1")?.DecisionId);
        // Ordinal, as the ids always compared: another spelling of the same 16 bytes is another id.
        Assert.Null(s.DecisionById(engineMade.ToUpperInvariant()));
        Assert.Null(s.DecisionById(capitals.ToLowerInvariant()));
        Assert.Null(s.DecisionById(Guid.ParseExact(engineMade, "N").ToString("D")));
        Assert.Equal(engineMade, s.AttributionFor(engineMade, null, T0.AddDays(1), Week)?.DecisionId);
    }

    [Fact]
    public void A_decision_that_took_no_action_is_never_credited()
    {
        var s = With(Decision("d1", T0, DecisionStatus.NoAction, action: null));
        Assert.Null(s.AttributionFor("d1", null, T0, Week));
        Assert.Null(s.AttributionFor(null, null, T0, Week));
    }

    [Fact]
    public void Without_an_id_the_last_delivered_decision_within_the_window_is_credited()
    {
        var s = With(
            Decision("d1", T0, DecisionStatus.Delivered),
            Decision("d2", T0.AddHours(1), DecisionStatus.Delivered),
            Decision("d3", T0.AddHours(2), DecisionStatus.Reserved),
            Decision("d4", T0.AddHours(3), DecisionStatus.Released));

        Assert.Equal("d2", s.AttributionFor(null, null, T0.AddHours(5), Week)?.DecisionId);
        Assert.Equal("d2", s.AttributionFor(null, null, T0.AddHours(1) + Week, Week)?.DecisionId);
        Assert.Null(s.AttributionFor(null, null, T0.AddHours(1) + Week + TimeSpan.FromSeconds(1), Week));
    }

    [Fact]
    public void Without_an_id_only_decisions_of_the_named_campaign_and_made_before_the_outcome_count()
    {
        var s = With(
            Decision("spring-1", T0, DecisionStatus.Delivered, campaign: "spring"),
            Decision("summer-1", T0.AddHours(1), DecisionStatus.Delivered, campaign: "summer"),
            Decision("spring-2", T0.AddHours(10), DecisionStatus.Delivered, campaign: "spring"));

        Assert.Equal("spring-1", s.AttributionFor(null, "spring", T0.AddHours(2), Week)?.DecisionId);
        Assert.Equal("summer-1", s.AttributionFor(null, null, T0.AddHours(2), Week)?.DecisionId);
        Assert.Null(s.AttributionFor(null, "autumn", T0.AddHours(2), Week));
    }

    [Fact]
    public void Remembering_forgets_the_oldest_settled_decisions_first_and_keeps_open_reservations()
    {
        var s = new CustomerState();
        s.Remember(Decision("reserved", T0, DecisionStatus.Reserved), keep: 3);
        s.Remember(Decision("old", T0.AddMinutes(1), DecisionStatus.Delivered), keep: 3);
        s.Remember(Decision("mid", T0.AddMinutes(2), DecisionStatus.Released), keep: 3);
        s.Remember(Decision("new", T0.AddMinutes(3), DecisionStatus.Delivered), keep: 3);

        Assert.Equal(["reserved", "mid", "new"], s.Decisions.Select(d => d.DecisionId));
    }

    [Fact]
    public void A_decision_remembered_in_a_forgotten_records_place_keeps_everything_it_was_given()
    {
        var s = new CustomerState();
        s.Remember(Decision("d-old", T0, DecisionStatus.Delivered), keep: 1);
        var oldObject = s.Decisions[0];
        var trace = new PolicyTrace { Context = [1f], Arms = ["email-b"], Probabilities = [1f], Predicted = [2f] };
        var reservation = new BudgetReservation { CampaignId = "summer", LeaseId = "lease-1", Amount = 0.25m };
        var id = Guid.CreateVersion7().ToString("N");

        s.Remember(new DecisionRecord
        {
            DecisionId = id, CampaignId = "summer", ActionId = "email-b", Channel = "sms", Reservation = reservation,
            DecidedAt = T0.AddHours(1), Status = DecisionStatus.Delivered, Group = MeasurementGroup.CampaignHoldout,
            Segment = "vip", Policy = trace,
        }, keep: 1);

        // The forgotten record's object is reused (what keeps a decision from leaving a new one alive).
        var kept = Assert.Single(s.Decisions);
        Assert.Same(oldObject, kept);
        Assert.Equal((id, "summer", "email-b", "sms", T0.AddHours(1), DecisionStatus.Delivered, MeasurementGroup.CampaignHoldout, "vip"),
            (kept.DecisionId, kept.CampaignId, kept.ActionId, kept.Channel, kept.DecidedAt, kept.Status, kept.Group, kept.Segment));
        Assert.Same(reservation, kept.Reservation);
        Assert.Same(trace, kept.Policy);
        Assert.Null(s.DecisionById("d-old"));
        Assert.Same(kept, s.DecisionById(id));

        // And back from an engine-made id to one as given, with nothing of the previous decision left.
        s.Remember(Decision("d-3", T0.AddHours(2), DecisionStatus.Delivered), keep: 1);
        Assert.Equal(("d-3", "spring", "email-a", "email", DecisionStatus.Delivered), (kept.DecisionId, kept.CampaignId, kept.ActionId, kept.Channel, kept.Status));
        Assert.Null(kept.Reservation);
        Assert.Null(kept.Policy);
        Assert.Null(kept.Segment);
        Assert.Equal(MeasurementGroup.Treated, kept.Group);
        Assert.Null(s.DecisionById(id));
    }

    [Fact]
    public void A_new_decision_is_not_kept_when_every_older_one_is_open_and_it_is_settled()
    {
        var s = new CustomerState();
        s.Remember(Decision("open-1", T0, DecisionStatus.Reserved), keep: 2);
        s.Remember(Decision("open-2", T0.AddMinutes(1), DecisionStatus.Reserved), keep: 2);
        s.Remember(Decision("nothing", T0.AddMinutes(2), DecisionStatus.NoAction, action: null), keep: 2);

        Assert.Equal(["open-1", "open-2"], s.Decisions.Select(d => d.DecisionId));
    }

    [Fact]
    public void Remembered_decisions_stay_bounded_even_when_all_are_open()
    {
        var s = new CustomerState();
        for (var i = 0; i < 10; i++) s.Remember(Decision($"d{i}", T0.AddMinutes(i), DecisionStatus.Reserved), keep: 4);
        Assert.Equal(["d6", "d7", "d8", "d9"], s.Decisions.Select(d => d.DecisionId));
    }

    [Fact]
    public void Recent_triggers_are_bounded_and_keep_the_latest()
    {
        var s = new CustomerState();
        s.RememberTriggers([.. Enumerable.Range(0, 20).Select(i => $"t{i}")]);
        Assert.Equal(CustomerState.MaxRecentTriggers, s.RecentTriggers.Count);
        Assert.Equal("t4", s.RecentTriggers[0]);
        Assert.Equal("t19", s.RecentTriggers[^1]);
    }

    [Fact]
    public void Pruning_keeps_active_journeys_and_the_most_recent_finished_ones()
    {
        var s = new CustomerState();
        for (var i = 0; i < 40; i++)
        {
            s.PutJourney($"done{i}", new JourneyProgress { CampaignId = $"done{i}", Status = JourneyStatus.Completed, StepEnteredAt = T0.AddMinutes(i) });
        }
        s.PutJourney("live", new JourneyProgress { CampaignId = "live", Status = JourneyStatus.Active, StepEnteredAt = T0.AddYears(-1) });

        s.PruneFinishedJourneys();

        Assert.Equal(CustomerState.MaxFinishedJourneys + 1, s.Journeys.Count);
        Assert.Contains("live", s.Journeys.Keys);
        Assert.DoesNotContain("done7", s.Journeys.Keys);
        Assert.Contains("done8", s.Journeys.Keys);
    }
}
