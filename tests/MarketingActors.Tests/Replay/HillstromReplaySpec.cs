using MarketingActors.Replay;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Replay;

/// <summary>The replay tool on a 5,000-customer slice of the real Hillstrom experiment, against the embedded engine over HTTP.</summary>
[Collection(EmbeddedEngineCollection.Name)]
public sealed class HillstromReplaySpec(EmbeddedEngine engine)
{
    private static string Hillstrom => Path.Combine(RepositoryPaths.Datasets, "hillstrom.csv");

    [Fact]
    public void Reads_every_row_including_quoted_history_segments()
    {
        var rows = HillstromRow.Read(Hillstrom, limit: null);

        Assert.Equal(64_000, rows.Count);
        // README ground truth: 21,307 / 21,387 / 21,306 customers per arm; Mens E-Mail $1.4226 spend per customer.
        Assert.Equal(21_307, rows.Count(r => r.Arm == HillstromReplay.Mens));
        Assert.Equal(21_387, rows.Count(r => r.Arm == HillstromReplay.Womens));
        Assert.Equal(1.4226, rows.Where(r => r.Arm == HillstromReplay.Mens).Average(r => r.Spend), 4);
        // 18.28% of the Mens arm visited; every buyer did, so a conversion is always an engagement.
        Assert.Equal(0.1828, rows.Where(r => r.Arm == HillstromReplay.Mens).Average(r => r.Visited ? 1.0 : 0.0), 4);
        Assert.All(rows.Where(r => r.Converted), r => Assert.True(r.Visited));
    }

    [Fact]
    public void A_learner_that_sees_the_visits_too_settles_on_the_better_email_sooner()
    {
        var rows = HillstromRow.Read(Hillstrom, limit: null);
        var order = HillstromReplay.Order(rows, seed: 11, reversed: false);

        var conversionsOnly = HillstromBound.Run(rows, order, "conversions");
        var withVisits = HillstromBound.Run(rows, order, "visits", visits: true);

        Assert.True(withVisits.MensShare > conversionsOnly.MensShare + 0.2, $"{withVisits.MensShare} vs {conversionsOnly.MensShare}");
        Assert.True(withVisits.Whole > conversionsOnly.Whole, $"{withVisits.Whole} vs {conversionsOnly.Whole}");
    }

    [Fact]
    public void The_mens_rule_with_the_exploration_floor_still_spreads_the_floor_over_both_e_mails_and_leaves_no_e_mail_to_the_holdout()
    {
        var rows = HillstromRow.Read(Hillstrom, limit: null);
        var order = HillstromReplay.Order(rows, seed: 11, reversed: false);

        var rule = HillstromBound.MensRuleWithFloor(order, seed: 22, "mens rule, floored");

        // The 30% holdout already sends no e-mail at random, so the floor is split between the two e-mails: 1 − floor/2 of the
        // decisions go to Mens, 0.975 at the default 5% (±0.001 over ≈ 45,000 decisions; over all three arms it would be 0.9667).
        var expected = 1 - Core.Decisions.PolicyOptions.Default.ExplorationFloor / 2;
        Assert.InRange(rule.MensShare, expected - 0.005, expected + 0.005);
    }

    [Fact]
    public void Cross_fitting_replays_each_half_with_the_other_halfs_results_and_never_its_own()
    {
        var rows = HillstromRow.Read(Hillstrom, limit: null);

        var folds = HillstromReplay.CrossFitFolds(rows, seed: 11).ToList();

        Assert.Equal(2, folds.Count);
        foreach (var (_, replayed, prior) in folds)
        {
            Assert.Equal(32_000, replayed.Count);
            Assert.Empty(replayed.Select(r => r.Index).Intersect(prior.Select(r => r.Index)));
            var test = HillstromReplay.PriorTestOf(prior, "the other fold");
            Assert.Equal(32_000, test.Arms.Sum(a => a.Trials));
            var mens = test.Arms.Single(a => a.ActionId == HillstromReplay.Mens);
            Assert.Equal(prior.Count(r => r.Arm == HillstromReplay.Mens && r.Converted), mens.Conversions);
            Assert.Equal(prior.Count(r => r.Arm == HillstromReplay.Mens && r.Visited), mens.Engagements);
            Assert.Equal((decimal)prior.Where(r => r.Arm == HillstromReplay.Mens).Sum(r => r.Spend), mens.Revenue, 2);
        }
        Assert.Equal(folds[0].Replayed.Select(r => r.Index), folds[1].Prior.Select(r => r.Index));
        Assert.Equal(64_000, folds.SelectMany(f => f.Replayed).Select(r => r.Index).Distinct().Count());
    }

    [Fact]
    public async Task A_running_engine_is_reached_with_the_api_key_given_and_refuses_the_replay_without_one()
    {
        var url = EmbeddedEngine.BaseAddressOf(engine.App);

        await using (var withKey = await Engine.Start(url, engine.AdminKey))
        {
            await withKey.Send(HttpMethod.Get, "/v1/campaigns");
        }
        await using var withoutKey = await Engine.Start(url, apiKey: null);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => withoutKey.Send(HttpMethod.Get, "/v1/campaigns"));

        Assert.Contains("401", refused.Message);
    }

    [Fact]
    public async Task A_5000_customer_slice_replays_with_sane_estimates_and_the_engine_measures_its_holdout()
    {
        var rows = HillstromRow.Read(Hillstrom, limit: 5_000);

        var result = await HillstromReplay.Run(Engine.Connect(engine.Http), HillstromReplay.Shuffle(rows, seed: 1));

        // Customers it would hold out (30%) whose logged arm was an e-mail (two thirds of them) cannot match: rejected before the engine sees them.
        Assert.InRange(result.Shown / 5_000.0, 0.76, 0.84);
        Assert.Equal(result.Shown, result.Decided);
        Assert.InRange(result.Matched / (double)result.Decided, 0.28, 0.45);
        Assert.InRange(result.HeldOut / (double)result.Shown, 0.09, 0.16);
        Assert.Equal(result.HeldOut, result.HeldOutRevealed);
        Assert.Equal(result.Shown - result.HeldOut, result.Treated);
        Assert.Equal(result.Shown, result.ReportTreatedDecisions + result.ReportHoldoutDecisions);
        Assert.Equal(result.HeldOut, result.ReportHoldoutDecisions);
        Assert.Equal(1.0, result.ChoiceShares.Values.Sum(), 9);
        foreach (var p in new[] { result.Engine, result.EngineAsDeployed, result.Random }.Concat(result.Arms))
        {
            foreach (var i in new[] { p.Conversion, p.SpendPerCustomer, p.NetPerCustomer })
            {
                Assert.True(double.IsFinite(i.Estimate) && i.Lower <= i.Estimate && i.Estimate <= i.Upper, $"{p.Policy}: {i}");
            }
        }
        // A single-arm policy's replay value is that arm's average over the treated customers logged with it (≈ 70% of the slice's).
        var mens = Assert.Single(result.Arms, a => a.Policy == HillstromReplay.Mens);
        var mensRows = rows.Where(r => r.Arm == HillstromReplay.Mens).ToList();
        Assert.InRange(mens.Rows / (double)mensRows.Count, 0.62, 0.78);
        Assert.InRange(mens.SpendPerCustomer.Estimate, mensRows.Min(r => r.Spend), mensRows.Max(r => r.Spend));
        Assert.True(result.ReportTreatedConversions + result.ReportHoldoutConversions > 0, "revealed purchases reach the engine's report");
        // Revealed visits reach the policy's evidence as engagements, and no arm converts more than it engages.
        var evidence = Assert.Single(result.Evidence, e => e.ArmId == HillstromReplay.Mens);
        Assert.InRange(evidence.Engagements, evidence.Conversions + 1, evidence.Trials);
        Assert.All(result.Evidence, e => Assert.True(e.Conversions <= e.Engagements, e.ToString()));
        // Like for like: the engine's per-action conversions over the decisions the replay revealed, never more than it revealed.
        foreach (var check in result.LiftChecks)
        {
            Assert.True(check.TreatedConversions <= check.TreatedRevealed && check.HoldoutConversions <= check.HoldoutRevealed, check.ToString());
            if (check.Truth is { } truth) Assert.True(truth.Lower < truth.Upper, $"{check.Scope}: {truth}");
        }
        Assert.True(result.LiftChecks.Sum(c => c.TreatedConversions) <= result.ReportTreatedConversions);
        // The contextual policy logged why it chose: the holdout, the best single action, exploration or a contextual uplift.
        Assert.Contains("holdout", result.Reasons.Keys);
        Assert.Subset(new HashSet<string> { "holdout", "best_single_action", "exploration", "contextual_uplift", "budget_fallback" }, result.Reasons.Keys.ToHashSet());
        // Paired on the same rows, the difference against an arm is the policy's replay value minus the arm's (both over the treated rows, weight 3).
        Assert.Equal(3 * (result.Engine.NetPerCustomer.Estimate * result.Engine.Rows - result.Arms[0].NetPerCustomer.Estimate * result.Arms[0].Rows) / result.Treated,
            result.Paired.Single(d => d.Arm == HillstromReplay.Mens).Whole.Estimate, 9);
        // The engine's off-policy report counts every revealed decision, held-out ones as the control's treatment: "always no e-mail"
        // rests on the holdout (the floor leaves that option to it), so its effective sample size is about the held-out customers'.
        Assert.All(result.OffPolicy, c => Assert.Equal(result.Revealed, c.Decisions));
        Assert.Equal(["policy", "uniform", .. HillstromReplay.ArmIds.Order(StringComparer.Ordinal).Select(a => "action:" + a)], result.OffPolicy.Select(c => c.Target));
        Assert.All(result.OffPolicy, c => Assert.True(c.DoublyRobust is { } dr && dr.Lower < dr.Upper, c.ToString()));
        Assert.InRange(Assert.Single(result.OffPolicy, c => c.Target == "action:" + HillstromReplay.None).EffectiveSampleSize, 0.8 * result.HeldOut, result.Revealed);
        var pairedMens = Assert.Single(result.Paired, d => d.Arm == HillstromReplay.Mens);
        Assert.True(pairedMens.Whole.Lower < pairedMens.Whole.Upper);
    }
}
