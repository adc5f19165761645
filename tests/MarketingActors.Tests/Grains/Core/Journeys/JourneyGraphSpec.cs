using CsCheck;
using MarketingActors.Campaigns;
using MarketingActors.Core.Campaigns;
using MarketingActors.Core.Journeys;
using MarketingActors.Core.Profiles;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Grains.Core.Journeys;

/// <summary>The journey compiler: what a key holder may write can never make one event decide without end.</summary>
public sealed class JourneyGraphSpec
{
    private static readonly ScoredCustomer Customer = TestCustomers.WithLikelihood(0.6);
    private static readonly DateTimeOffset T0 = TestCustomers.T0;

    private static JourneyStep Act(string id, string? next = null) => new() { Id = id, Kind = StepKind.Action, Next = next };
    private static JourneyStep Wait(string id, string? next = null) => new() { Id = id, Kind = StepKind.Wait, Duration = TimeSpan.FromHours(1), Next = next };
    private static JourneyStep Branch(string id, string @goto, string? next = null) => new()
    {
        Id = id, Kind = StepKind.Branch, Next = next,
        Branches = [new() { When = new() { All = [new() { Field = "likelihood", Op = "gte", Value = "0.5" }] }, Goto = @goto }],
    };

    private static CampaignDefinition With(params JourneyStep[] steps) => new()
    {
        Id = "journey", Name = "Journey", Status = CampaignStatus.Active,
        Actions = [new() { Id = "email-a", Channel = "email", Variant = "a" }],
        Journey = new() { EntryTrigger = "page_view", AllowReentry = true, Steps = steps },
        Budget = new() { Total = 100 },
    };

    [Theory]
    [InlineData("an action whose next is itself", "the loop a → a has no wait step")]
    [InlineData("two actions that lead to each other", "the loop a → b → a has no wait step")]
    [InlineData("a branch that loops back to the action before it", "the loop a → check → a has no wait step")]
    public void A_loop_without_a_wait_is_refused_with_the_steps_it_walks(string shape, string expected)
    {
        var campaign = shape switch
        {
            "an action whose next is itself" => With(Act("a", next: "a")),
            "two actions that lead to each other" => With(Act("a", next: "b"), Act("b", next: "a")),
            _ => With(Act("a", next: "check"), Branch("check", @goto: "a"), new JourneyStep { Id = "done", Kind = StepKind.Exit }),
        };
        Assert.Contains(CampaignValidator.Validate(campaign), e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_loop_through_a_wait_is_a_sound_journey()
    {
        Assert.Empty(CampaignValidator.Validate(With(Act("a"), Wait("pause", next: "a"))));
    }

    [Fact]
    public void A_step_nothing_leads_to_is_reported()
    {
        var errors = CampaignValidator.Validate(With(Act("a", next: "done"), Act("orphan"), new JourneyStep { Id = "done", Kind = StepKind.Exit }));
        Assert.Contains("journey.steps[orphan]: unreachable from the first step or any reroute", errors);
    }

    [Fact]
    public void A_step_reached_only_by_a_reroute_is_reachable()
    {
        var campaign = With(Act("a", next: "done"), new JourneyStep { Id = "done", Kind = StepKind.Exit }, Act("winback"));
        Assert.Empty(CampaignValidator.Validate(campaign with { Journey = campaign.Journey with { Reroutes = new() { [TriggerNames.VelocityDrop] = "winback" } } }));
    }

    [Fact]
    public void More_actions_in_a_row_than_one_event_may_take_are_refused()
    {
        var chain = Enumerable.Range(0, JourneyGraph.MaxActionsPerSignal + 1).Select(i => Act($"a{i}")).ToArray();
        Assert.Contains(CampaignValidator.Validate(With(chain)), e => e.Contains($"{JourneyGraph.MaxActionsPerSignal + 1} action steps follow one another without a wait"));
        Assert.Empty(CampaignValidator.Validate(With(chain[..JourneyGraph.MaxActionsPerSignal])));
    }

    [Fact]
    public void A_wait_free_path_longer_than_one_signal_may_walk_is_refused()
    {
        var branches = Enumerable.Range(0, JourneyGraph.MaxStepsPerSignal + 1).Select(i => Branch($"b{i}", @goto: $"b{i + 1}")).ToList();
        branches[^1] = branches[^1] with { Branches = [branches[^1].Branches[0] with { Goto = "b0" }], Kind = StepKind.Exit };
        Assert.Contains(CampaignValidator.Validate(With([.. branches])), e => e.Contains("steps follow one another without a wait"));
    }

    [Fact]
    public void Waits_are_bounded_so_no_timestamp_arithmetic_can_overflow()
    {
        var tooLong = With(Act("a"), Wait("w") with { Duration = TimeSpan.MaxValue });
        var tooShort = With(Act("a"), Wait("w") with { Duration = TimeSpan.FromSeconds(1) });
        Assert.Contains(CampaignValidator.Validate(tooLong), e => e.StartsWith("journey.steps[w].duration: between"));
        Assert.Contains(CampaignValidator.Validate(tooShort), e => e.StartsWith("journey.steps[w].duration: between"));
        Assert.Equal(DateTimeOffset.MaxValue, JourneyRunner.Later(T0, TimeSpan.MaxValue));
    }

    private static readonly string[] Ids = ["s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"];

    /// <summary>Journeys of any shape: every kind of step, next and goto pointing anywhere (themselves included), dangling or absent.</summary>
    private static readonly Gen<CampaignDefinition> AnyJourney =
        Gen.Select(Gen.Int[0, 3], Gen.Int[-2, Ids.Length - 1], Gen.Int[-1, Ids.Length - 1], Gen.Bool)
            .Array[1, Ids.Length]
            .Select(Gen.Int[-1, Ids.Length - 1], (shapes, reroute) =>
            {
                string? Target(int i) => i switch { -2 => "nowhere", -1 => null, _ => Ids[i] };
                var steps = shapes.Select((s, i) =>
                {
                    var (kind, next, @goto, untilEvent) = s;
                    var step = new JourneyStep { Id = Ids[i], Kind = (StepKind)kind, Next = Target(next) };
                    return step.Kind switch
                    {
                        StepKind.Wait => step with { Duration = untilEvent ? null : TimeSpan.FromHours(1), UntilEvent = untilEvent ? "email_clicked" : null },
                        StepKind.Branch => step with { Branches = [new() { When = new() { All = [new() { Field = "likelihood", Op = "gte", Value = "0.5" }] }, Goto = Target(@goto) ?? Ids[0] }] },
                        _ => step,
                    };
                }).ToArray();
                var campaign = With(steps);
                return reroute < 0 || reroute >= steps.Length ? campaign
                    : campaign with { Journey = campaign.Journey with { Reroutes = new() { [TriggerNames.VelocityDrop] = Ids[reroute] } } };
            });

    /// <summary>What the customer grain does for one signal when every decision acts: how many decisions it takes (1,000 means it never stopped).</summary>
    private static int DecisionsOn(CampaignDefinition campaign, ref JourneyProgress? progress, JourneySignal signal)
    {
        var step = JourneyRunner.Advance(campaign, ref progress, signal, Customer);
        var decisions = 0;
        while (step is not null && progress is not null && decisions < 1_000)
        {
            decisions++;
            step = JourneyRunner.AfterDecision(campaign, progress, step, acted: true, signal, Customer);
        }
        return decisions;
    }

    [Fact]
    public void Any_generated_journey_is_either_refused_with_a_reason_or_decides_a_bounded_number_of_times_per_signal()
    {
        var sound = 0;
        var refused = 0;
        AnyJourney.Sample(campaign =>
        {
            var errors = CampaignValidator.Validate(campaign);
            if (errors.Count > 0)
            {
                Interlocked.Increment(ref refused);
                return errors.All(e => e.Length > 0);
            }
            Interlocked.Increment(ref sound);
            JourneyProgress? progress = null;
            var signals = new JourneySignal[]
            {
                new("page_view", false, [], T0),
                new("email_clicked", false, [], T0.AddMinutes(1)),
                new(null, false, [TriggerNames.VelocityDrop], T0.AddMinutes(2)),
                new(null, false, [], T0.AddHours(2)),
                new("page_view", false, [], T0.AddDays(2)),
            };
            return signals.All(signal => DecisionsOn(campaign, ref progress, signal) <= JourneyGraph.MaxActionsPerSignal);
        }, iter: 20_000);
        // Neither side may be empty, or the property says nothing.
        Assert.True(sound > 100 && refused > 100, $"{sound} sound and {refused} refused journeys");
    }

    [Fact]
    public void Without_the_compiler_a_loop_would_decide_without_end()
    {
        // The fuse in the customer grain exists for definitions that never met the compiler (stored before it): this is what it stops.
        JourneyProgress? progress = null;
        Assert.Equal(1_000, DecisionsOn(With(Act("a", next: "a")), ref progress, new JourneySignal("page_view", false, [], T0)));
    }
}
