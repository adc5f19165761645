using MarketingActors.Core.Agents;
using MarketingActors.Core.Measurement;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Grains.Core.Agents;

/// <summary>The budget agent's rule on campaigns whose truth the simulator knows.</summary>
public class BudgetReallocationSpec
{
    private static readonly BudgetAgentRule Rule = new() { StepFraction = 0.1m, MinDecisionsPerArm = 200 };

    private static CampaignFigures Campaign(string id, RoiSimulator simulator, double treatedRate, double holdoutRate, long decisions = 20_000, bool active = true)
    {
        var summary = LiftReportBuilder.Summarize("all", simulator.Tallies(decisions, decisions / 4, treatedRate, holdoutRate, value: 50m, costPerDecision: 0.05m));
        return new CampaignFigures(id, active, summary.Roi, summary.Treated.Decisions, summary.Holdout.Decisions, Total: 1_000m, Spent: 400m, "USD");
    }

    [Fact]
    public void Budget_moves_from_the_clearly_worse_campaign_to_the_clearly_better_one_by_one_bounded_step()
    {
        var simulator = new RoiSimulator(seed: 7);
        var strong = Campaign("strong", simulator, treatedRate: 0.030, holdoutRate: 0.010);
        var weak = Campaign("weak", simulator, treatedRate: 0.011, holdoutRate: 0.010);

        var move = BudgetReallocation.Propose([weak, strong], Rule);

        Assert.NotNull(move);
        Assert.Equal(("weak", "strong", 60m), (move.From, move.To, move.Amount));
        Assert.True(move.Donor.IncrementalRoi!.Upper < move.Recipient.IncrementalRoi!.Lower);
        Assert.Contains("do not overlap", move.Rationale);
    }

    [Fact]
    public void Equal_campaigns_never_move_whatever_the_noise()
    {
        for (var seed = 1; seed <= 30; seed++)
        {
            var simulator = new RoiSimulator(seed);
            var a = Campaign("a", simulator, 0.02, 0.01);
            var b = Campaign("b", simulator, 0.02, 0.01);
            Assert.Null(BudgetReallocation.Propose([a, b], Rule));
        }
    }

    [Fact]
    public void A_paused_campaign_or_one_without_enough_evidence_is_left_alone()
    {
        var simulator = new RoiSimulator(seed: 3);
        var strong = Campaign("strong", simulator, 0.030, 0.010);

        Assert.Null(BudgetReallocation.Propose([strong, Campaign("paused", simulator, 0.011, 0.010, active: false)], Rule));
        Assert.Null(BudgetReallocation.Propose([strong, Campaign("young", simulator, 0.0, 0.010, decisions: 400)], Rule));
    }

    [Fact]
    public void A_step_is_capped_and_an_exhausted_donor_gives_nothing()
    {
        var simulator = new RoiSimulator(seed: 11);
        var strong = Campaign("strong", simulator, 0.030, 0.010);
        var weak = Campaign("weak", simulator, 0.011, 0.010);

        Assert.Equal(25m, BudgetReallocation.Propose([weak, strong], Rule with { MaxStep = 25m })!.Amount);
        Assert.Null(BudgetReallocation.Propose([weak with { Spent = weak.Total }, strong], Rule));
    }
}
