using MarketingActors.Measurement;
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
        // The engine measured each e-mail arm it sent, and the experiment's interval for the same customers is a real interval.
        foreach (var check in result.LiftChecks)
        {
            Assert.True(check.Truth.Lower < check.Truth.Upper, $"{check.Scope}: {check.Truth}");
            Assert.True(check.TreatedConversions > 0, $"{check.Scope}: treated conversions reach the per-action report");
        }
        Assert.True(result.Segments > 1, "the campaign learned per segment");
    }
}
