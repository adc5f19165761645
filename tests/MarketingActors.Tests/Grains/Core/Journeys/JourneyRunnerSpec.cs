using MarketingActors.Campaigns;
using MarketingActors.Core.Journeys;
using MarketingActors.Core.Profiles;
using static MarketingActors.Tests.Support.TestCustomers;

namespace MarketingActors.Tests.Grains.Core.Journeys;

public class JourneyRunnerSpec
{
    private static readonly ScoredCustomer Cold = WithLikelihood(0.2);
    private static readonly ScoredCustomer Hot = WithLikelihood(0.7);

    private static JourneyStep ActionStep(string id, string? next = null) => new() { Id = id, Kind = StepKind.Action, ActionIds = ["email-a"], Next = next };

    /// <summary>
    /// page_view → choose → wait (2 days, or until email_clicked) → check: hot → "hot", else "nurture"
    /// → done. A velocity drop reroutes to "reengage".
    /// </summary>
    private static JourneyDefinition Welcome(bool allowReentry = false, bool exitOnConversion = true) => new()
    {
        EntryTrigger = "page_view",
        AllowReentry = allowReentry,
        ExitOnConversion = exitOnConversion,
        Reroutes = new() { [TriggerNames.VelocityDrop] = "reengage" },
        Steps =
        [
            ActionStep("choose"),
            new() { Id = "wait", Kind = StepKind.Wait, Duration = TimeSpan.FromDays(2), UntilEvent = "email_clicked" },
            new()
            {
                Id = "check", Kind = StepKind.Branch, Next = "nurture",
                Branches = [new() { When = new() { All = [new() { Field = "likelihood", Op = "gte", Value = "0.5" }] }, Goto = "hot" }],
            },
            ActionStep("nurture", next: "done"),
            ActionStep("hot", next: "done"),
            ActionStep("reengage", next: "done"),
            new() { Id = "done", Kind = StepKind.Exit },
        ],
    };

    private static CampaignDefinition Campaign(JourneyDefinition journey, AudienceRule? audience = null, CampaignStatus status = CampaignStatus.Active) => new()
    {
        Id = "welcome",
        Name = "Welcome",
        Status = status,
        Audience = audience,
        Actions = [new() { Id = "email-a", Channel = "email", Variant = "a" }],
        Journey = journey,
    };

    private static JourneySignal On(string? eventType, DateTimeOffset now, bool conversion = false, params string[] triggers) =>
        new(eventType, conversion, triggers, now);

    private static JourneySignal Tick(DateTimeOffset now) => new(null, false, [], now);

    /// <summary>Enters on a page view, acts at "choose", and is left waiting.</summary>
    private static JourneyProgress Waiting(CampaignDefinition campaign, DateTimeOffset at)
    {
        JourneyProgress? progress = null;
        var step = JourneyRunner.Advance(campaign, ref progress, On("page_view", at), Cold)!;
        Assert.Null(JourneyRunner.AfterDecision(campaign, progress!, step, acted: true, On("page_view", at), Cold));
        return progress!;
    }

    [Fact]
    public void A_customer_enters_on_the_entry_event_and_stops_at_the_first_action_step()
    {
        JourneyProgress? progress = null;
        var step = JourneyRunner.Advance(Campaign(Welcome()), ref progress, On("page_view", T0), Cold);

        Assert.Equal("choose", step?.Id);
        Assert.NotNull(progress);
        Assert.Equal(JourneyStatus.Active, progress.Status);
        Assert.Equal("choose", progress.StepId);
        Assert.Equal(T0, progress.EnteredAt);
        Assert.Equal(["enter:page_view", "choose"], progress.Path);
    }

    [Fact]
    public void Other_events_do_not_start_the_journey()
    {
        JourneyProgress? progress = null;
        Assert.Null(JourneyRunner.Advance(Campaign(Welcome()), ref progress, On("product_view", T0), Cold));
        Assert.Null(progress);
    }

    [Fact]
    public void A_customer_enters_on_a_trigger_fired_by_any_event()
    {
        var campaign = Campaign(Welcome() with { EntryTrigger = TriggerNames.LikelyToConvert24h });
        JourneyProgress? progress = null;

        Assert.Null(JourneyRunner.Advance(campaign, ref progress, On("add_to_cart", T0), Cold));
        var step = JourneyRunner.Advance(campaign, ref progress, On("add_to_cart", T0, triggers: TriggerNames.LikelyToConvert24h), Cold);

        Assert.Equal("choose", step?.Id);
        Assert.Equal("enter:" + TriggerNames.LikelyToConvert24h, progress!.Path[0]);
    }

    [Fact]
    public void Inactive_campaigns_and_customers_outside_the_audience_do_not_enter()
    {
        var vip = new AudienceRule { All = [new() { Field = "trait.tier", Op = "eq", Value = "vip" }] };
        JourneyProgress? progress = null;
        Assert.Null(JourneyRunner.Advance(Campaign(Welcome(), status: CampaignStatus.Paused), ref progress, On("page_view", T0), Cold));
        Assert.Null(JourneyRunner.Advance(Campaign(Welcome(), audience: vip), ref progress, On("page_view", T0), Cold));
        Assert.Null(progress);
    }

    [Fact]
    public void Acting_moves_the_customer_on_to_the_wait()
    {
        var progress = Waiting(Campaign(Welcome()), T0);

        Assert.Equal("wait", progress.StepId);
        Assert.Equal(T0.AddDays(2), progress.WaitUntil);
        Assert.Equal(T0.AddDays(2), JourneyRunner.WakeAt(progress));
    }

    [Fact]
    public void When_every_candidate_was_blocked_the_customer_stays_to_retry()
    {
        var campaign = Campaign(Welcome());
        JourneyProgress? progress = null;
        var step = JourneyRunner.Advance(campaign, ref progress, On("page_view", T0), Cold)!;

        Assert.Null(JourneyRunner.AfterDecision(campaign, progress!, step, acted: false, On("page_view", T0), Cold));
        Assert.Equal("choose", progress!.StepId);
        Assert.Equal("choose", JourneyRunner.Advance(campaign, ref progress, Tick(T0.AddHours(1)), Cold)?.Id);
    }

    [Fact]
    public void A_wait_ends_when_its_duration_has_passed()
    {
        var campaign = Campaign(Welcome());
        var progress = Waiting(campaign, T0);
        JourneyProgress? p = progress;

        Assert.Null(JourneyRunner.Advance(campaign, ref p, Tick(T0.AddDays(1)), Cold));
        Assert.Equal("wait", progress.StepId);

        var step = JourneyRunner.Advance(campaign, ref p, Tick(T0.AddDays(2)), Cold);
        Assert.Equal("nurture", step?.Id);
        Assert.Null(progress.WaitUntil);
    }

    [Fact]
    public void A_wait_ends_early_on_its_until_event()
    {
        var campaign = Campaign(Welcome());
        var progress = Waiting(campaign, T0);
        JourneyProgress? p = progress;

        Assert.Null(JourneyRunner.Advance(campaign, ref p, On("email_opened", T0.AddHours(1)), Cold));
        var step = JourneyRunner.Advance(campaign, ref p, On("email_clicked", T0.AddHours(2)), Cold);

        Assert.Equal("nurture", step?.Id);
        Assert.Contains("event:email_clicked", progress.Path);
    }

    [Fact]
    public void The_event_that_starts_a_wait_does_not_end_it()
    {
        var journey = new JourneyDefinition
        {
            EntryTrigger = "email_clicked",
            Steps =
            [
                new() { Id = "wait", Kind = StepKind.Wait, UntilEvent = "email_clicked" },
                ActionStep("follow-up"),
            ],
        };
        var campaign = Campaign(journey);
        JourneyProgress? progress = null;

        Assert.Null(JourneyRunner.Advance(campaign, ref progress, On("email_clicked", T0), Cold));
        Assert.Equal("wait", progress!.StepId);
        Assert.Null(progress.WaitUntil);
        Assert.Null(JourneyRunner.WakeAt(progress)); // no duration: only the event ends it

        Assert.Equal("follow-up", JourneyRunner.Advance(campaign, ref progress, On("email_clicked", T0.AddMinutes(5)), Cold)?.Id);
    }

    [Fact]
    public void One_event_ends_only_one_wait_even_when_the_next_wait_listens_for_it_too()
    {
        var journey = new JourneyDefinition
        {
            EntryTrigger = "page_view",
            Steps =
            [
                new() { Id = "first-click", Kind = StepKind.Wait, UntilEvent = "email_clicked" },
                new() { Id = "second-click", Kind = StepKind.Wait, UntilEvent = "email_clicked", Duration = TimeSpan.FromDays(1) },
                ActionStep("reward"),
            ],
        };
        var campaign = Campaign(journey);
        JourneyProgress? progress = null;
        JourneyRunner.Advance(campaign, ref progress, On("page_view", T0), Cold);

        Assert.Null(JourneyRunner.Advance(campaign, ref progress, On("email_clicked", T0.AddHours(1)), Cold));
        Assert.Equal("second-click", progress!.StepId);
        Assert.Equal(T0.AddHours(1).AddDays(1), progress.WaitUntil);

        Assert.Equal("reward", JourneyRunner.Advance(campaign, ref progress, On("email_clicked", T0.AddHours(2)), Cold)?.Id);
    }

    [Fact]
    public void The_event_that_led_to_an_action_does_not_end_the_wait_after_it()
    {
        var campaign = Campaign(Welcome() with { EntryTrigger = "email_clicked" });
        JourneyProgress? progress = null;
        var step = JourneyRunner.Advance(campaign, ref progress, On("email_clicked", T0), Cold)!;

        Assert.Null(JourneyRunner.AfterDecision(campaign, progress!, step, acted: true, On("email_clicked", T0), Cold));
        Assert.Equal("wait", progress!.StepId);
    }

    [Fact]
    public void A_branch_routes_on_the_customers_scores()
    {
        var campaign = Campaign(Welcome());

        JourneyProgress? cold = Waiting(campaign, T0);
        Assert.Equal("nurture", JourneyRunner.Advance(campaign, ref cold, Tick(T0.AddDays(2)), Cold)?.Id);

        JourneyProgress? hot = Waiting(campaign, T0);
        Assert.Equal("hot", JourneyRunner.Advance(campaign, ref hot, Tick(T0.AddDays(2)), Hot)?.Id);
        Assert.Equal(["enter:page_view", "choose", "wait", "check", "hot"], hot!.Path);
    }

    [Fact]
    public void A_velocity_drop_reroutes_the_customer_to_the_re_engagement_step()
    {
        var campaign = Campaign(Welcome());
        JourneyProgress? progress = Waiting(campaign, T0);

        var step = JourneyRunner.Advance(campaign, ref progress, On("page_view", T0.AddHours(5), triggers: TriggerNames.VelocityDrop), Cold);

        Assert.Equal("reengage", step?.Id);
        Assert.Equal("reengage", progress!.StepId);
        Assert.Equal(["reroute:" + TriggerNames.VelocityDrop, "reengage"], progress.Path[^2..]);
    }

    [Fact]
    public void Triggers_without_a_reroute_leave_the_customer_where_they_are()
    {
        var campaign = Campaign(Welcome());
        JourneyProgress? progress = Waiting(campaign, T0);
        Assert.Null(JourneyRunner.Advance(campaign, ref progress, On("page_view", T0.AddHours(5), triggers: TriggerNames.ColdLead), Cold));
        Assert.Equal("wait", progress!.StepId);
    }

    [Fact]
    public void A_conversion_ends_the_journey()
    {
        var campaign = Campaign(Welcome());
        JourneyProgress? progress = Waiting(campaign, T0);

        Assert.Null(JourneyRunner.Advance(campaign, ref progress, On("purchase", T0.AddHours(3), conversion: true), Cold));

        Assert.Equal(JourneyStatus.Exited, progress!.Status);
        Assert.Equal("converted", progress.ExitReason);
        Assert.Null(JourneyRunner.WakeAt(progress));
        Assert.Null(JourneyRunner.Advance(campaign, ref progress, Tick(T0.AddDays(3)), Hot));
    }

    [Fact]
    public void A_conversion_does_not_end_a_journey_that_keeps_converters()
    {
        var campaign = Campaign(Welcome(exitOnConversion: false));
        JourneyProgress? progress = Waiting(campaign, T0);
        JourneyRunner.Advance(campaign, ref progress, On("purchase", T0.AddHours(3), conversion: true), Cold);
        Assert.True(progress!.IsActive);
        Assert.Equal("wait", progress.StepId);
    }

    [Fact]
    public void A_customer_who_left_does_not_enter_again()
    {
        var campaign = Campaign(Welcome());
        JourneyProgress? progress = Waiting(campaign, T0);
        JourneyRunner.Advance(campaign, ref progress, On("purchase", T0.AddHours(3), conversion: true), Cold);
        var exited = progress;

        Assert.Null(JourneyRunner.Advance(campaign, ref progress, On("page_view", T0.AddDays(10)), Cold));
        Assert.Same(exited, progress);
        Assert.Equal(JourneyStatus.Exited, progress!.Status);
    }

    [Fact]
    public void A_journey_that_allows_reentry_starts_over()
    {
        var campaign = Campaign(Welcome(allowReentry: true));
        JourneyProgress? progress = Waiting(campaign, T0);
        JourneyRunner.Advance(campaign, ref progress, On("purchase", T0.AddHours(3), conversion: true), Cold);

        Assert.Null(JourneyRunner.Advance(campaign, ref progress, On("product_view", T0.AddDays(9)), Cold));
        Assert.Equal(JourneyStatus.Exited, progress!.Status);
        var exited = progress;

        var step = JourneyRunner.Advance(campaign, ref progress, On("page_view", T0.AddDays(10)), Cold);
        Assert.Equal("choose", step?.Id);
        Assert.True(progress!.IsActive);
        Assert.Equal(T0.AddDays(10), progress.EnteredAt);
        // As a first entry: nothing of the exited run is left (the object is the same, started over in place).
        Assert.Same(exited, progress);
        Assert.Equal(["enter:page_view", "choose"], progress.Path);
        Assert.Equal((T0.AddDays(10), (string?)null, (DateTimeOffset?)null, false), (progress.StepEnteredAt, progress.ExitReason, progress.WaitUntil, progress.WaitStarted));
    }

    [Fact]
    public void An_exit_step_completes_the_journey()
    {
        var campaign = Campaign(Welcome());
        JourneyProgress? progress = Waiting(campaign, T0);
        var step = JourneyRunner.Advance(campaign, ref progress, Tick(T0.AddDays(2)), Cold)!;

        Assert.Null(JourneyRunner.AfterDecision(campaign, progress!, step, acted: true, Tick(T0.AddDays(2)), Cold));
        Assert.Equal(JourneyStatus.Completed, progress!.Status);
        Assert.Equal("exit_step", progress.ExitReason);
    }

    [Fact]
    public void Running_off_the_end_of_the_steps_completes_the_journey()
    {
        var campaign = Campaign(new JourneyDefinition { EntryTrigger = "page_view", Steps = [ActionStep("only")] });
        JourneyProgress? progress = null;
        var step = JourneyRunner.Advance(campaign, ref progress, On("page_view", T0), Cold)!;
        JourneyRunner.AfterDecision(campaign, progress!, step, acted: true, On("page_view", T0), Cold);
        Assert.Equal(JourneyStatus.Completed, progress!.Status);
        Assert.Equal("end_of_journey", progress.ExitReason);
    }

    [Fact]
    public void A_cyclic_branch_definition_is_stopped_by_the_transition_limit()
    {
        var journey = new JourneyDefinition
        {
            EntryTrigger = "page_view",
            Steps =
            [
                new() { Id = "ping", Kind = StepKind.Branch, Next = "pong" },
                new() { Id = "pong", Kind = StepKind.Branch, Next = "ping" },
            ],
        };
        JourneyProgress? progress = null;

        Assert.Null(JourneyRunner.Advance(Campaign(journey), ref progress, On("page_view", T0), Cold));

        Assert.Equal(JourneyStatus.Exited, progress!.Status);
        Assert.Equal("transition_limit", progress.ExitReason);
        Assert.True(progress.Path.Count <= JourneyProgress.MaxPath);
    }

    [Fact]
    public void A_journey_without_steps_is_never_entered()
    {
        JourneyProgress? progress = null;
        Assert.Null(JourneyRunner.Advance(Campaign(new JourneyDefinition { EntryTrigger = "page_view" }), ref progress, On("page_view", T0), Cold));
        Assert.Null(progress);
    }
}
