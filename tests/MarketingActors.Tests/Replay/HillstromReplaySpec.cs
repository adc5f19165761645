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

        Assert.Equal(5_000, result.Decided);
        Assert.InRange(result.Matched / 5_000.0, 0.28, 0.39);
        Assert.InRange(result.HeldOut / 5_000.0, 0.25, 0.35);
        Assert.Equal(5_000, result.ReportTreatedDecisions + result.ReportHoldoutDecisions);
        Assert.Equal(1.0, result.ChoiceShares.Values.Sum(), 9);
        foreach (var p in new[] { result.Engine, result.EngineAsDeployed, result.Random }.Concat(result.Arms))
        {
            foreach (var i in new[] { p.Conversion, p.SpendPerCustomer, p.NetPerCustomer })
            {
                Assert.True(double.IsFinite(i.Estimate) && i.Lower <= i.Estimate && i.Estimate <= i.Upper, $"{p.Policy}: {i}");
            }
        }
        // A single-arm policy's replay value is exactly that arm's average in the slice.
        var mens = Assert.Single(result.Arms, a => a.Policy == HillstromReplay.Mens);
        Assert.Equal(rows.Where(r => r.Arm == HillstromReplay.Mens).Average(r => r.Spend), mens.SpendPerCustomer.Estimate, 9);
        Assert.Equal(rows.Count(r => r.Arm == HillstromReplay.Mens), mens.Rows);
        Assert.True(result.ReportTreatedConversions + result.ReportHoldoutConversions > 0, "revealed purchases reach the engine's report");
        // The experiment's interval for the same customers is a real interval wherever the slice holds a
        // conversion on both sides (always for the e-mail channel as a whole; an arm the engine rarely
        // chose in 5,000 rows may have none). The per-action report adds up to the e-mail channel's.
        foreach (var check in result.LiftChecks)
        {
            if (check.Truth is { } truth) Assert.True(truth.Lower < truth.Upper, $"{check.Scope}: {truth}");
        }
        var email = Assert.Single(result.LiftChecks, c => c.Scope.StartsWith("email", StringComparison.Ordinal));
        var arms = result.LiftChecks.Where(c => c != email).ToList();
        Assert.NotNull(email.Truth);
        Assert.True(email.TreatedConversions > 0, "treated conversions reach the report");
        Assert.Equal(email.TreatedConversions, arms.Sum(c => c.TreatedConversions));
        Assert.Equal(email.HoldoutConversions, arms.Sum(c => c.HoldoutConversions));
        Assert.True(result.Segments > 1, "the campaign learned per segment");
    }
}
