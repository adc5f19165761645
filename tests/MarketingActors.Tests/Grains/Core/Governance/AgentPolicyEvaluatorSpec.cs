using MarketingActors.Campaigns;
using MarketingActors.Core.Governance;
using MarketingActors.Governance;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Grains.Core.Governance;

public sealed class AgentPolicyEvaluatorSpec
{
    private static readonly DateOnly Today = new(2026, 3, 10);
    private static readonly CampaignDefinition Spring = SampleCampaigns.SpringSale("spring", total: 1000m);

    private static readonly AgentPolicy Policy = new()
    {
        AllowedOperations = [Operations.ShiftBudget, Operations.Pause, Operations.CreateVariant, Operations.ChangeAudience],
        Campaigns = ["spring"],
        Channels = ["email"],
        Segments = ["vip", "loyal"],
        MaxBudgetChangePerDay = 150,
        MaxBudgetChangePercentPerDay = 10,
    };

    private static PolicyVerdict Evaluate(CampaignChange change, AgentPolicy? policy = null, AgentAllowance? allowance = null) =>
        AgentPolicyEvaluator.Evaluate(policy ?? Policy, ChangeClassifier.Classify(change, Spring), change, Spring, allowance ?? new AgentAllowance(), Today);

    private static CampaignChange Budget(decimal total, string campaign = "spring") =>
        new() { Kind = ChangeKinds.SetBudget, CampaignId = campaign, Budget = Spring.Budget with { Total = total } };

    private static CampaignChange Update(CampaignDefinition after) => new() { Kind = ChangeKinds.Update, CampaignId = "spring", Definition = after };

    [Fact]
    public void Every_operation_outside_the_policy_is_forbidden()
    {
        var cases = new (CampaignChange Change, string Reason)[]
        {
            (new CampaignChange { Kind = ChangeKinds.Activate, CampaignId = "spring" }, "forbidden_operation"),
            (new CampaignChange { Kind = ChangeKinds.Complete, CampaignId = "spring" }, "forbidden_operation"),
            (new CampaignChange { Kind = ChangeKinds.Create, CampaignId = "spring", Definition = Spring }, "forbidden_operation"),
            (Update(Spring with { Name = "renamed" }), "forbidden_operation"),
            (Update(Spring with { Actions = [Spring.Actions[0] with { Cost = 9m }, .. Spring.Actions[1..]] }), "forbidden_operation"),
            // Evidence the policy would count as a past test's is a campaign update, not an audience or variant change.
            (Update(Spring with
            {
                Policy = new DecisionPolicy
                {
                    PriorTest = new PriorTest { Source = "made up", Arms = [new PriorTestArm { ActionId = Spring.Actions[0].Id, Trials = 1_000, Conversions = 900, Revenue = 9_000m }] },
                },
            }), "forbidden_operation"),
            (Budget(1010m, campaign: "autumn"), "campaign_out_of_scope"),
            (Update(Spring with { Actions = [.. Spring.Actions, new ActionOption { Id = "sms-1", Channel = "sms", Variant = "hi" }] }), "channel_out_of_scope"),
        };
        foreach (var (change, reason) in cases)
        {
            var verdict = Evaluate(change);
            Assert.Equal((PolicyOutcome.Forbidden, reason), (verdict.Outcome, verdict.Reason));
        }
        Assert.Equal("no_agent_policy", AgentPolicyEvaluator.Evaluate(null, Operations.Pause, new CampaignChange { Kind = ChangeKinds.Pause, CampaignId = "spring" }, Spring, new(), Today).Reason);
    }

    private static AudienceRule Rule(RuleCondition[] all, RuleCondition[]? any = null) => new() { All = all, Any = any ?? [] };

    private static RuleCondition Segment(string op, string value) => new() { Field = "trait.segment", Op = op, Value = value };

    [Fact]
    public void An_audience_not_provably_inside_the_permitted_segments_waits_for_approval()
    {
        var widening = new Dictionary<string, AudienceRule>
        {
            ["a segment outside the policy"] = Rule([Segment("eq", "everyone")]),
            ["no segment at all"] = Rule([new RuleCondition { Field = "likelihood", Op = "gt", Value = "0.1" }]),
            ["an any clause that lets everyone in"] = Rule([], [Segment("eq", "vip"), new RuleCondition { Field = "likelihood", Op = "gte", Value = "0" }]),
            ["neq: exactly the customers outside vip"] = Rule([Segment("neq", "vip")]),
            ["in with an empty entry (matches customers without a segment)"] = Rule([Segment("in", "vip,")]),
            ["in with one segment outside"] = Rule([Segment("in", "vip,everyone")]),
            ["eq on a list (a literal value no customer has, proves nothing)"] = Rule([Segment("eq", "vip,loyal")]),
        };
        foreach (var (what, audience) in widening)
        {
            var verdict = Evaluate(Update(Spring with { Audience = audience }));
            Assert.True((verdict.Outcome, verdict.Reason) == (PolicyOutcome.NeedsApproval, "segment_out_of_scope"), $"{what}: {verdict.Outcome} {verdict.Reason}");
        }
    }

    [Fact]
    public void An_audience_anded_with_a_permitted_segment_applies_whatever_else_it_requires()
    {
        var narrowing = new[]
        {
            Rule([Segment("eq", "VIP")]),
            Rule([Segment("in", "vip, loyal"), new RuleCondition { Field = "likelihood", Op = "gt", Value = "0.2" }]),
            Rule([Segment("eq", "loyal")], [new RuleCondition { Field = "trait.country", Op = "eq", Value = "fr" }, Segment("neq", "loyal")]),
        };
        Assert.All(narrowing, audience => Assert.Equal(PolicyOutcome.Apply, Evaluate(Update(Spring with { Audience = audience })).Outcome));
    }

    [Fact]
    public void Every_field_of_the_envelope_is_metered()
    {
        var capped = Spring with { Budget = Spring.Budget with { Daily = 100m } };
        PolicyVerdict Move(BudgetEnvelope to) =>
            AgentPolicyEvaluator.Evaluate(Policy, Operations.ShiftBudget, new CampaignChange { Kind = ChangeKinds.SetBudget, CampaignId = "spring", Budget = to }, capped, new AgentAllowance(), Today);

        // The total untouched, the daily cap raised 100 → 199: 99 moved (over 150? no) but +99 % of the cap (over 10 %).
        Assert.Equal((PolicyOutcome.NeedsApproval, "over_budget_limit"), (Move(capped.Budget with { Daily = 199m }).Outcome, Move(capped.Budget with { Daily = 199m }).Reason));
        // Lifting the cap lets the whole total go in a day: a move of 900.
        Assert.Equal(PolicyOutcome.NeedsApproval, Move(capped.Budget with { Daily = null }).Outcome);
        Assert.Equal(PolicyOutcome.Apply, Move(capped.Budget with { Daily = 105m }).Outcome);
        Assert.Equal((PolicyOutcome.NeedsApproval, "currency_change"), (Move(capped.Budget with { Currency = "EUR" }).Outcome, Move(capped.Budget with { Currency = "EUR" }).Reason));
    }

    [Fact]
    public void Changes_within_the_policy_apply()
    {
        Assert.Equal(PolicyOutcome.Apply, Evaluate(new CampaignChange { Kind = ChangeKinds.Pause, CampaignId = "spring" }).Outcome);
        Assert.Equal(PolicyOutcome.Apply, Evaluate(Budget(1080m)).Outcome);
        Assert.Equal(PolicyOutcome.Apply, Evaluate(Update(Spring with { Actions = [.. Spring.Actions, new ActionOption { Id = "email-2", Channel = "email", Variant = "v2" }] })).Outcome);
        Assert.Equal(PolicyOutcome.Apply, Evaluate(Update(Spring with
        {
            Audience = new AudienceRule { All = [new RuleCondition { Field = "trait.segment", Op = "in", Value = "vip,loyal" }] },
        })).Outcome);
    }

    [Fact]
    public void Budget_moves_beyond_the_percentage_or_the_daily_sum_need_approval()
    {
        Assert.Equal((PolicyOutcome.NeedsApproval, "over_budget_limit"), (Evaluate(Budget(1101m)).Outcome, Evaluate(Budget(1101m)).Reason));
        Assert.Equal(PolicyOutcome.NeedsApproval, Evaluate(Budget(899m)).Outcome);

        // Moves of 60 then 40 reach exactly 10 % of 1000; a third of 30 crosses it, and with a looser % one of 60 crosses the 150 absolute cap.
        var allowance = new AgentAllowance();
        AgentPolicyEvaluator.Book(allowance, Budget(1060m), Spring, Today);
        var afterFirst = Spring with { Budget = Spring.Budget with { Total = 1060m } };
        Assert.Equal(PolicyOutcome.Apply, AgentPolicyEvaluator.Evaluate(Policy, Operations.ShiftBudget, Budget(1100m), afterFirst, allowance, Today).Outcome);
        AgentPolicyEvaluator.Book(allowance, Budget(1100m), afterFirst, Today);
        var afterSecond = Spring with { Budget = Spring.Budget with { Total = 1100m } };
        Assert.Equal(PolicyOutcome.NeedsApproval, AgentPolicyEvaluator.Evaluate(Policy, Operations.ShiftBudget, Budget(1130m), afterSecond, allowance, Today).Outcome);
        var loose = Policy with { MaxBudgetChangePercentPerDay = 100 };
        Assert.Equal(PolicyOutcome.NeedsApproval, AgentPolicyEvaluator.Evaluate(loose, Operations.ShiftBudget, Budget(1160m), afterSecond, allowance, Today).Outcome);

        // A new UTC day starts from zero.
        Assert.Equal(PolicyOutcome.Apply, AgentPolicyEvaluator.Evaluate(Policy, Operations.ShiftBudget, Budget(1130m), afterSecond, allowance, Today.AddDays(1)).Outcome);
    }

    [Fact]
    public void Releasing_a_booked_move_gives_the_allowance_back()
    {
        var allowance = new AgentAllowance();
        AgentPolicyEvaluator.Book(allowance, Budget(1090m), Spring, Today);
        AgentPolicyEvaluator.Book(allowance, Budget(1090m), Spring, Today, sign: -1);
        Assert.Equal(0m, allowance.Moved);
        Assert.Equal(PolicyOutcome.Apply, Evaluate(Budget(1095m), allowance: allowance).Outcome);
    }
}
