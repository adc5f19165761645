using MarketingActors.Core.Agents;
using MarketingActors.Core.Measurement;
using MarketingActors.Measurement;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Grains.Core.Agents;

/// <summary>The budget agent's rule on campaigns whose truth the simulator knows.</summary>
public class BudgetReallocationSpec
{
    private static readonly BudgetAgentRule Rule = new() { StepFraction = 0.1m, MinDecisionsPerArm = 200, RunwayDays = 14 };
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A campaign of $1,000 that has spent $400, $100 of it in the last 24 hours (six days of runway left) unless told otherwise.</summary>
    private static CampaignFigures Campaign(string id, RoiSimulator simulator, double treatedRate, double holdoutRate, long decisions = 20_000, bool active = true,
        decimal spentLastDay = 100m)
    {
        var summary = LiftReportBuilder.Summarize("all", simulator.Tallies(decisions, decisions / 4, treatedRate, holdoutRate, value: 50m, costPerDecision: 0.05m));
        return new CampaignFigures(id, active, summary.Roi, summary.Treated.Decisions, summary.Holdout.Decisions, Total: 1_000m, Spent: 400m, "USD") { SpentLastDay = spentLastDay };
    }

    [Fact]
    public void Budget_moves_from_the_clearly_worse_campaign_to_the_clearly_better_one_by_one_bounded_step()
    {
        var simulator = new RoiSimulator(seed: 7);
        var strong = Campaign("strong", simulator, treatedRate: 0.030, holdoutRate: 0.010);
        var weak = Campaign("weak", simulator, treatedRate: 0.011, holdoutRate: 0.010);

        var look = BudgetReallocation.Look([weak, strong], Rule);

        Assert.Equal(BudgetLook.Moving, look.Outcome);
        var move = look.Move!;
        Assert.Equal(("weak", "strong", 60m), (move.From, move.To, move.Amount));
        Assert.True(move.Donor.IncrementalRoi!.Upper < move.Recipient.IncrementalRoi!.Lower);
        Assert.Null(move.RecipientDailyCap);
        Assert.Contains("do not overlap", move.Rationale);
        Assert.Contains("lasts 6 days", move.Rationale);
    }

    [Fact]
    public void Equal_campaigns_never_move_whatever_the_noise()
    {
        for (var seed = 1; seed <= 30; seed++)
        {
            var simulator = new RoiSimulator(seed);
            var a = Campaign("a", simulator, 0.02, 0.01);
            var b = Campaign("b", simulator, 0.02, 0.01);
            Assert.Equal(BudgetLook.NoClearDifference, BudgetReallocation.Look([a, b], Rule).Outcome);
        }
    }

    [Fact]
    public void A_paused_campaign_or_one_without_enough_evidence_is_left_alone()
    {
        var simulator = new RoiSimulator(seed: 3);
        var strong = Campaign("strong", simulator, 0.030, 0.010);

        Assert.Null(BudgetReallocation.Look([strong, Campaign("paused", simulator, 0.011, 0.010, active: false)], Rule).Move);
        Assert.Null(BudgetReallocation.Look([strong, Campaign("young", simulator, 0.0, 0.010, decisions: 400)], Rule).Move);
    }

    [Fact]
    public void A_step_is_capped_and_an_exhausted_donor_gives_nothing()
    {
        var simulator = new RoiSimulator(seed: 11);
        var strong = Campaign("strong", simulator, 0.030, 0.010);
        var weak = Campaign("weak", simulator, 0.011, 0.010);

        Assert.Equal(25m, BudgetReallocation.Look([weak, strong], Rule with { MaxStep = 25m }).Move!.Amount);
        Assert.Null(BudgetReallocation.Look([weak with { Spent = weak.Total }, strong], Rule).Move);
    }

    [Fact]
    public void A_clearly_better_campaign_that_is_not_spending_what_it_has_receives_nothing_and_the_look_says_why()
    {
        var simulator = new RoiSimulator(seed: 7);
        var idle = Campaign("strong", simulator, 0.030, 0.010, spentLastDay: 10m);
        var weak = Campaign("weak", simulator, 0.011, 0.010);

        var look = BudgetReallocation.Look([weak, idle], Rule);

        Assert.Equal(BudgetLook.NotShortOfBudget, look.Outcome);
        Assert.Null(look.Move);
        Assert.Contains("lasts 60 days", look.Rationale);
        Assert.Equal(BudgetLook.NoClearDifference, BudgetReallocation.Look([weak, idle with { IncrementalRoi = weak.IncrementalRoi }], Rule).Outcome);
    }

    [Fact]
    public void The_money_goes_to_the_best_campaign_that_can_spend_it()
    {
        var simulator = new RoiSimulator(seed: 13);
        var idle = Campaign("idle", simulator, 0.040, 0.010, spentLastDay: 0m);
        var busy = Campaign("busy", simulator, 0.030, 0.010);
        var weak = Campaign("weak", simulator, 0.011, 0.010);
        Assert.True(idle.IncrementalRoi!.Lower > busy.IncrementalRoi!.Lower);

        var move = BudgetReallocation.Look([weak, idle, busy], Rule).Move!;

        Assert.Equal(("weak", "busy"), (move.From, move.To));
    }

    [Fact]
    public void A_recipient_held_back_by_its_daily_cap_gets_the_cap_raised_in_proportion_to_its_total()
    {
        var simulator = new RoiSimulator(seed: 7);
        var capped = Campaign("strong", simulator, 0.030, 0.010, spentLastDay: 19m) with { DailyCap = 20m };
        var weak = Campaign("weak", simulator, 0.011, 0.010);

        var move = BudgetReallocation.Look([weak, capped], Rule with { RunwayDays = 7 }).Move!;

        Assert.Equal(60m, move.Amount);
        Assert.Equal(21.2m, move.RecipientDailyCap);
        Assert.Contains("daily cap of 20", move.Rationale);
    }

    [Fact]
    public void The_recent_days_decide_when_they_hold_enough_evidence_and_the_whole_campaign_otherwise()
    {
        var simulator = new RoiSimulator(seed: 21);
        var campaign = SampleCampaigns.SpringSale("recent", total: 1_000m);
        LiftReport Report(long decisions, double treatedRate) => LiftReportBuilder.Build(campaign,
            simulator.Tallies(decisions, decisions / 4, treatedRate, 0.010, value: 50m, costPerDecision: 0.05m), [], 400m, Now, "on_demand");
        var whole = Report(40_000, 0.030);
        var recentStrong = Report(8_000, 0.012);
        var recentThin = Report(400, 0.012);

        var fromRecent = BudgetReallocation.Figures("recent", true, whole, recentStrong, 7, 1_000m, null, minDecisionsPerArm: 200, Now);
        var fromWhole = BudgetReallocation.Figures("recent", true, whole, recentThin, 7, 1_000m, null, minDecisionsPerArm: 200, Now);

        Assert.Equal(("the last 7 days", recentStrong.Overall.Roi), (fromRecent.RoiWindow, fromRecent.IncrementalRoi));
        Assert.Equal((BudgetReallocation.SinceStart, whole.Overall.Roi), (fromWhole.RoiWindow, fromWhole.IncrementalRoi));
        Assert.Equal(400m, fromRecent.Spent);
    }
}
