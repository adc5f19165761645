using MarketingActors.Core.Budget;
using MarketingActors.Core.Decisions;
using MarketingActors.Measurement;
using MarketingActors.Services.Campaigns;
using Microsoft.Extensions.Options;

namespace MarketingActors.Tests.Grains.Services.Campaigns;

/// <summary>The silo's evidence channel asks for a report as soon as a batch of outcomes has settled, not only when its interval is up.</summary>
public class CampaignTalliesSpec
{
    private static CampaignTallies Tallies(int evidenceBatch) =>
        new(new SiloIdentity("silo-a"), Options.Create(new BudgetOptions { EvidenceBatch = evidenceBatch }));

    private static Task<bool> Ready(CampaignTallies tallies) => tallies.WaitForEvidence(TimeSpan.Zero, CancellationToken.None);

    [Fact]
    public async Task A_batch_of_settled_outcomes_asks_for_an_early_report_and_taking_the_reports_starts_the_count_again()
    {
        var tallies = Tallies(evidenceBatch: 3);

        tallies.RecordDelivery("spring", "email", null);
        tallies.RecordConversion("spring", "email", null, 40m);
        Assert.False(await Ready(tallies));

        tallies.RecordPolicyTrial("spring", new PolicyTrace { Context = new float[DecisionContext.Dimension], Arms = ["email"], Probabilities = [1f], Predicted = [0f] }, MeasurementGroup.CampaignHoldout);
        Assert.True(await Ready(tallies));
        Assert.False(await Ready(tallies));

        Assert.Single(tallies.TakeReports([]));
        tallies.RecordDelivery("spring", "email", null);
        tallies.RecordDelivery("spring", "email", null);
        Assert.False(await Ready(tallies));
    }

    [Fact]
    public async Task Decisions_alone_settle_nothing_and_a_batch_of_zero_reports_on_the_interval_only()
    {
        var tallies = Tallies(evidenceBatch: 2);
        tallies.RecordDecision("spring", "email", null, null);
        tallies.RecordDecision("spring", "email", null, null);
        Assert.False(await Ready(tallies));

        var intervalOnly = Tallies(evidenceBatch: 0);
        for (var i = 0; i < 10; i++) intervalOnly.RecordDelivery("spring", "email", null);
        Assert.False(await Ready(intervalOnly));
    }
}
