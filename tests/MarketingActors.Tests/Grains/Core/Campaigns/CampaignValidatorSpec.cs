using MarketingActors.Campaigns;
using MarketingActors.Core.Campaigns;
using MarketingActors.Core.Profiles;

namespace MarketingActors.Tests.Grains.Core.Campaigns;

public class CampaignValidatorSpec
{
    private static readonly CampaignDefinition Valid = new()
    {
        Id = "spring-sale",
        Name = "Spring sale",
        Audience = new() { All = [new() { Field = "likelihood", Op = "gte", Value = "0.1" }] },
        Actions =
        [
            new() { Id = "email-a", Channel = "email", Variant = "a", Locale = "fr-CA", Cost = 0.01m },
            new() { Id = "ads-a", Channel = "ads", Variant = "a", Cost = 0.5m },
        ],
        Journey = new()
        {
            EntryTrigger = "page_view",
            Reroutes = new() { [TriggerNames.VelocityDrop] = "choose" },
            Steps =
            [
                new() { Id = "choose", Kind = StepKind.Action, ActionIds = ["email-a", "ads-a"] },
                new() { Id = "wait", Kind = StepKind.Wait, Duration = TimeSpan.FromDays(1), UntilEvent = "email_clicked" },
                new()
                {
                    Id = "check", Kind = StepKind.Branch, Next = "done",
                    Branches = [new() { When = new() { All = [new() { Field = "velocity", Op = "lt", Value = "0" }] }, Goto = "choose" }],
                },
                new() { Id = "done", Kind = StepKind.Exit },
            ],
        },
        Budget = new() { Total = 1000m, Daily = 100m, Currency = "EUR" },
        Guardrails = new()
        {
            FrequencyCaps = new() { ["email"] = new() { Max = 2, Window = TimeSpan.FromDays(7) } },
            QuietHours = new() { Start = new(22, 0), End = new(7, 0), Channels = ["sms"] },
            MinLikelihood = 0.05,
        },
    };

    private static CampaignDefinition WithAction(int index, Func<ActionOption, ActionOption> change) =>
        Valid with { Actions = [.. Valid.Actions.Select((a, i) => i == index ? change(a) : a)] };

    private static CampaignDefinition WithStep(string id, Func<JourneyStep, JourneyStep> change) =>
        Valid with { Journey = Valid.Journey with { Steps = [.. Valid.Journey.Steps.Select(s => s.Id == id ? change(s) : s)] } };

    private static readonly Dictionary<string, CampaignDefinition> Broken = new()
    {
        ["bad id"] = Valid with { Id = "Spring Sale!" },
        ["missing name"] = Valid with { Name = " " },
        ["negative conversion value"] = Valid with { ConversionValue = -1 },
        ["unknown channel"] = WithAction(0, a => a with { Channel = "fax" }),
        ["duplicate action id"] = WithAction(1, a => a with { Id = "email-a" }),
        ["missing variant"] = WithAction(1, a => a with { Variant = "" }),
        ["negative cost"] = WithAction(1, a => a with { Cost = -0.1m }),
        ["bad locale"] = WithAction(0, a => a with { Locale = "french" }),
        ["unknown entry trigger"] = Valid with { Journey = Valid.Journey with { EntryTrigger = "teleported" } },
        ["step goto unknown step"] = WithStep("check", s => s with { Branches = [s.Branches[0] with { Goto = "nowhere" }] }),
        ["step next unknown step"] = WithStep("choose", s => s with { Next = "nowhere" }),
        ["action step with unknown action"] = WithStep("choose", s => s with { ActionIds = ["push-z"] }),
        ["wait without duration"] = WithStep("wait", s => s with { Duration = null, UntilEvent = null }),
        ["wait with negative duration"] = WithStep("wait", s => s with { Duration = TimeSpan.FromHours(-1) }),
        ["wait until unknown event"] = WithStep("wait", s => s with { UntilEvent = "teleported" }),
        ["branch with unknown field"] = WithStep("check", s => s with { Branches = [s.Branches[0] with { When = new() { All = [new() { Field = "iq", Op = "gt", Value = "1" }] } }] }),
        ["duplicate step id"] = WithStep("wait", s => s with { Id = "choose" }),
        ["reroute to unknown trigger"] = Valid with { Journey = Valid.Journey with { Reroutes = new() { ["full_moon"] = "choose" } } },
        ["reroute to unknown step"] = Valid with { Journey = Valid.Journey with { Reroutes = new() { [TriggerNames.ColdLead] = "nowhere" } } },
        ["audience with unknown operator"] = Valid with { Audience = new() { Any = [new() { Field = "likelihood", Op = "approx", Value = "1" }] } },
        ["negative total"] = Valid with { Budget = Valid.Budget with { Total = -1, Daily = null } },
        ["daily above total"] = Valid with { Budget = Valid.Budget with { Daily = 2000m } },
        ["zero daily"] = Valid with { Budget = Valid.Budget with { Daily = 0m } },
        ["bad currency"] = Valid with { Budget = Valid.Budget with { Currency = "euro" } },
        ["cap on unknown channel"] = Valid with { Guardrails = Valid.Guardrails with { FrequencyCaps = new() { ["fax"] = new() { Max = 1, Window = TimeSpan.FromDays(1) } } } },
        ["cap beyond contact history"] = Valid with { Guardrails = Valid.Guardrails with { FrequencyCaps = new() { ["email"] = new() { Max = ContactHistory.Capacity + 1, Window = TimeSpan.FromDays(1) } } } },
        ["cap without window"] = Valid with { Guardrails = Valid.Guardrails with { FrequencyCaps = new() { ["email"] = new() { Max = 1 } } } },
        ["min likelihood above one"] = Valid with { Guardrails = Valid.Guardrails with { MinLikelihood = 1.5 } },
        ["quiet hours on unknown channel"] = Valid with { Guardrails = Valid.Guardrails with { QuietHours = new() { Channels = ["fax"] } } },
        ["holdout above half"] = Valid with { HoldoutPercent = 60 },
        ["negative holdout"] = Valid with { HoldoutPercent = -1 },
        ["locale fallback without a default copy"] = Valid with { AllowLocaleFallback = true },
        ["control option that costs"] = WithAction(1, a => a with { Control = true }),
        ["unknown policy kind"] = Valid with { Policy = new DecisionPolicy { Kind = "greedy" } },
        ["policy without exploration"] = Valid with { Policy = new DecisionPolicy { ExplorationFloor = 0 } },
        ["policy context on unknown feature"] = Valid with { Policy = new DecisionPolicy { Context = [new SegmentDimension { Feature = "iq", Buckets = [1] }] } },
        ["prior test of an unknown action"] = WithPriorTest(new PriorTestArm { ActionId = "fax-a", Trials = 10 }),
        ["prior test with more conversions than trials"] = WithPriorTest(new PriorTestArm { ActionId = "email-a", Trials = 10, Conversions = 11 }),
        ["prior test with fewer engagements than conversions"] = WithPriorTest(new PriorTestArm { ActionId = "email-a", Trials = 10, Conversions = 3, Engagements = 2 }),
        ["prior test with more engagements than trials"] = WithPriorTest(new PriorTestArm { ActionId = "email-a", Trials = 10, Engagements = 11 }),
        ["prior test with negative revenue"] = WithPriorTest(new PriorTestArm { ActionId = "email-a", Trials = 10, Revenue = -1 }),
        ["prior test naming an action twice"] = WithPriorTest(new PriorTestArm { ActionId = "email-a", Trials = 10 }, new PriorTestArm { ActionId = "email-a", Trials = 5 }),
        ["prior test without a source"] = Valid with { Policy = new DecisionPolicy { PriorTest = new PriorTest { Arms = [new PriorTestArm { ActionId = "email-a", Trials = 10 }] } } },
        ["prior test counted for nothing"] = Valid with { Policy = new DecisionPolicy { PriorTest = new PriorTest { Source = "t", Weight = 0, Arms = [new PriorTestArm { ActionId = "email-a", Trials = 10 }] } } },
        ["prior test on the segment policy"] = Valid with { Policy = new DecisionPolicy { Kind = DecisionPolicy.SegmentThompson, PriorTest = new PriorTest { Source = "t", Arms = [new PriorTestArm { ActionId = "email-a", Trials = 10 }] } } },
    };

    private static CampaignDefinition WithPriorTest(params PriorTestArm[] arms) =>
        Valid with { Policy = new DecisionPolicy { PriorTest = new PriorTest { Source = "spring A/B test", Arms = arms } } };

    [Fact]
    public void A_complete_valid_definition_passes()
    {
        Assert.Empty(CampaignValidator.Validate(Valid));
    }

    [Fact]
    public void A_prior_test_of_the_campaigns_own_actions_passes()
    {
        Assert.Empty(CampaignValidator.Validate(WithPriorTest(new PriorTestArm { ActionId = "email-a", Trials = 1_000, Conversions = 30, Revenue = 3_000m })));
    }

    [Theory]
    [InlineData("control option that costs", "actions[1].control: a control option sends nothing")]
    [InlineData("unknown policy kind", "policy.kind: segment_thompson or contextual")]
    [InlineData("policy without exploration", "policy.explorationFloor: 0.01 to 0.5")]
    [InlineData("policy context on unknown feature", "policy.context[0].feature: one of")]
    [InlineData("prior test of an unknown action", "policy.priorTest.arms[0].actionId: unknown action 'fax-a'")]
    [InlineData("prior test with more conversions than trials", "policy.priorTest.arms[0].conversions: 0 to trials")]
    [InlineData("prior test with fewer engagements than conversions", "policy.priorTest.arms[0].engagements: conversions to trials")]
    [InlineData("prior test with more engagements than trials", "policy.priorTest.arms[0].engagements: conversions to trials")]
    [InlineData("prior test with negative revenue", "policy.priorTest.arms[0].revenue: 0 to")]
    [InlineData("prior test naming an action twice", "policy.priorTest.arms[1].actionId: duplicate 'email-a'")]
    [InlineData("prior test without a source", "policy.priorTest.source: required")]
    [InlineData("prior test counted for nothing", "policy.priorTest.weight: above 0, at most 1")]
    [InlineData("prior test on the segment policy", "policy.priorTest: only the contextual policy counts a prior test")]
    [InlineData("bad id", "id: ")]
    [InlineData("missing name", "name: required")]
    [InlineData("negative conversion value", "conversionValue: must not be negative")]
    [InlineData("unknown channel", "actions[0].channel: one of")]
    [InlineData("duplicate action id", "actions[1].id: duplicate 'email-a'")]
    [InlineData("missing variant", "actions[1].variant: required")]
    [InlineData("negative cost", "actions[1].cost: must not be negative")]
    [InlineData("bad locale", "actions[0].locale: a language tag")]
    [InlineData("unknown entry trigger", "journey.entryTrigger: ")]
    [InlineData("step goto unknown step", "journey.steps[check].branches[0].goto: unknown step 'nowhere'")]
    [InlineData("step next unknown step", "journey.steps[choose].next: unknown step 'nowhere'")]
    [InlineData("action step with unknown action", "journey.steps[choose].actionIds: unknown action 'push-z'")]
    [InlineData("wait without duration", "journey.steps[wait]: a wait needs a duration or untilEvent")]
    [InlineData("wait with negative duration", "journey.steps[wait].duration: must be positive")]
    [InlineData("wait until unknown event", "journey.steps[wait].untilEvent: unknown event type 'teleported'")]
    [InlineData("branch with unknown field", "journey.steps[check].branches[0].when.all[0]: unknown field 'iq'")]
    [InlineData("duplicate step id", "journey.steps: step ids must be present and unique ('choose')")]
    [InlineData("reroute to unknown trigger", "journey.reroutes: unknown trigger 'full_moon'")]
    [InlineData("reroute to unknown step", "journey.reroutes[cold_lead]: unknown step 'nowhere'")]
    [InlineData("audience with unknown operator", "audience.any[0]: unknown operator 'approx'")]
    [InlineData("negative total", "budget.total: must not be negative")]
    [InlineData("daily above total", "budget.daily: must be positive and at most budget.total")]
    [InlineData("zero daily", "budget.daily: must be positive and at most budget.total")]
    [InlineData("bad currency", "budget.currency: ")]
    [InlineData("cap on unknown channel", "guardrails.frequencyCaps: unknown channel 'fax'")]
    [InlineData("cap beyond contact history", "guardrails.frequencyCaps[email].max: 1 to 32")]
    [InlineData("cap without window", "guardrails.frequencyCaps[email].window: must be positive")]
    [InlineData("min likelihood above one", "guardrails.minLikelihood: between 0 and 1")]
    [InlineData("quiet hours on unknown channel", "guardrails.quietHours.channels: unknown channel 'fax'")]
    [InlineData("holdout above half", "holdoutPercent: between 0 and 50")]
    [InlineData("negative holdout", "holdoutPercent: between 0 and 50")]
    [InlineData("locale fallback without a default copy", "allowLocaleFallback: needs a localized variant with an unlocalized copy")]
    public void Each_defect_is_reported_as_a_named_error(string defect, string expectedError)
    {
        var errors = CampaignValidator.Validate(Broken[defect]);
        Assert.Contains(errors, e => e.StartsWith(expectedError, StringComparison.Ordinal));
    }

    [Fact]
    public void Locale_fallback_is_accepted_once_a_localized_variant_has_an_unlocalized_copy()
    {
        var withDefault = Valid with { AllowLocaleFallback = true, Actions = [.. Valid.Actions, Valid.Actions[0] with { Id = "email-a-default", Locale = null }] };
        Assert.Empty(CampaignValidator.Validate(withDefault));
    }

    [Fact]
    public void Every_defect_case_is_covered_by_the_theory()
    {
        var tested = typeof(CampaignValidatorSpec).GetMethod(nameof(Each_defect_is_reported_as_a_named_error))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>()
            .Select(a => (string)a.GetData(null!).First()[0]);
        Assert.Equal(Broken.Keys.Order(), tested.Order());
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var twice = Valid with
        {
            Actions = [Valid.Actions[0] with { Channel = "fax" }, Valid.Actions[1] with { Locale = "french" }],
            Budget = Valid.Budget with { Daily = 5000m },
        };
        var errors = CampaignValidator.Validate(twice);
        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public void Too_many_actions_or_steps_are_refused()
    {
        var actions = Enumerable.Range(0, CampaignValidator.MaxActions + 1)
            .Select(i => new ActionOption { Id = $"a{i}", Channel = "ads", Variant = "v" }).ToArray();
        Assert.Contains("actions: at most 50", CampaignValidator.Validate(Valid with { Actions = actions }));
    }

    [Theory]
    [InlineData(CampaignStatus.Draft, CampaignStatus.Active, true)]
    [InlineData(CampaignStatus.Draft, CampaignStatus.Paused, false)]
    [InlineData(CampaignStatus.Draft, CampaignStatus.Completed, true)]
    [InlineData(CampaignStatus.Draft, CampaignStatus.Draft, false)]
    [InlineData(CampaignStatus.Active, CampaignStatus.Paused, true)]
    [InlineData(CampaignStatus.Active, CampaignStatus.Completed, true)]
    [InlineData(CampaignStatus.Active, CampaignStatus.Draft, false)]
    [InlineData(CampaignStatus.Active, CampaignStatus.Active, false)]
    [InlineData(CampaignStatus.Paused, CampaignStatus.Active, true)]
    [InlineData(CampaignStatus.Paused, CampaignStatus.Completed, true)]
    [InlineData(CampaignStatus.Paused, CampaignStatus.Draft, false)]
    [InlineData(CampaignStatus.Paused, CampaignStatus.Paused, false)]
    [InlineData(CampaignStatus.Completed, CampaignStatus.Active, false)]
    [InlineData(CampaignStatus.Completed, CampaignStatus.Paused, false)]
    [InlineData(CampaignStatus.Completed, CampaignStatus.Draft, false)]
    [InlineData(CampaignStatus.Completed, CampaignStatus.Completed, false)]
    public void Status_changes_follow_the_lifecycle(CampaignStatus from, CampaignStatus to, bool allowed)
    {
        Assert.Equal(allowed, CampaignValidator.CanTransition(from, to));
    }
}
