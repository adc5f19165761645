using MarketingActors.Campaigns;
using MarketingActors.Core.Measurement;
using MarketingActors.Customers;
using MarketingActors.Measurement;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Grains.Customers;

/// <summary>Holdouts through the real decision path on the two-silo cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class HoldoutDecisionSpec(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;
    private static readonly MeasurementOptions Defaults = new();

    /// <summary>A fresh customer id that the default salt puts in the wanted group of the campaign.</summary>
    private static string CustomerIn(string campaignId, double holdoutPercent, bool heldOut) =>
        Enumerable.Range(0, 1000).Select(_ => TestEvents.NewId("ho"))
            .First(id => HoldoutDraw.Assign(Defaults.Salt, Defaults.SaltId, id, campaignId, holdoutPercent, 0).IsHeldOut == heldOut);

    private async Task<string> ActiveCampaign(CampaignDefinition definition)
    {
        var campaign = Grains.GetGrain<ICampaignGrain>(definition.Id);
        Assert.True((await campaign.Create(definition)).Succeeded);
        Assert.True((await campaign.ChangeStatus(CampaignStatus.Active)).Succeeded);
        return definition.Id;
    }

    private async Task<MarketingActors.Decisions.Decision> Enter(string customerId, string campaignId)
    {
        var now = DateTimeOffset.UtcNow;
        var customer = Grains.GetGrain<ICustomerGrain>(customerId);
        await customer.Ingest([TestEvents.Of(customerId, "identify", now.AddMinutes(-1), properties: new() { ["consent.email"] = "true", ["consent.ads"] = "true", ["timezone"] = "UTC" })]);
        var result = (await customer.Ingest([TestEvents.Of(customerId, "product_view", now)]))[0];
        return Assert.Single(result.Decisions, d => d.CampaignId == campaignId);
    }

    [Fact]
    public async Task A_held_out_customer_is_ranked_like_everyone_else_gets_nothing_and_moves_on_in_the_journey()
    {
        var campaign = await ActiveCampaign(SampleCampaigns.SpringSale(TestEvents.NewId("hold")) with { HoldoutPercent = 50 });
        var heldOut = CustomerIn(campaign, 50, heldOut: true);
        var treated = CustomerIn(campaign, 50, heldOut: false);

        var held = await Enter(heldOut, campaign);
        var sent = await Enter(treated, campaign);

        Assert.Null(held.Action);
        Assert.Equal("holdout", held.Reason);
        Assert.Equal(MeasurementGroup.CampaignHoldout, held.Holdout!.Group);
        Assert.Equal(Defaults.SaltId, held.Holdout.SaltId);
        Assert.Contains(held.WouldHaveSent!.ActionId, new[] { "email-10off", "ads-retarget" });
        Assert.NotNull(held.Candidates);
        Assert.Contains(held.Candidates, c => c.ActionId == held.WouldHaveSent.ActionId && c.Outcome == MarketingActors.Decisions.CandidateOutcome.Chosen);
        Assert.NotNull(sent.Action);
        Assert.Null(sent.WouldHaveSent);
        Assert.Equal(MeasurementGroup.Treated, sent.Holdout!.Group);
        foreach (var id in new[] { heldOut, treated })
        {
            var journey = Assert.Single((await Grains.GetGrain<ICustomerGrain>(id).GetView()).Journeys, j => j.CampaignId == campaign);
            Assert.Equal("wait", journey.StepId);
        }
    }

    [Fact]
    public async Task A_holdout_conversion_is_attributed_to_the_holdout_and_never_to_a_variant_posterior()
    {
        var campaign = await ActiveCampaign(SampleCampaigns.SpringSale(TestEvents.NewId("hold-conv")) with { HoldoutPercent = 50 });
        var heldOut = CustomerIn(campaign, 50, heldOut: true);
        var held = await Enter(heldOut, campaign);

        var purchase = TestEvents.Of(heldOut, "purchase", DateTimeOffset.UtcNow.AddSeconds(1), value: 40m) with { CampaignId = campaign };
        await Grains.GetGrain<ICustomerGrain>(heldOut).Ingest([purchase]);

        var report = await Eventually.Holds(() => Grains.GetGrain<ICampaignGrain>(campaign).GetLiftReport(false),
            r => r!.Overall.Holdout.Conversions == 1, because: "the silo reports the holdout conversion");
        Assert.Equal(40m, report!.Overall.Holdout.Revenue);
        Assert.Equal(0m, report.Overall.Holdout.Spend);
        Assert.Equal(held.WouldHaveSent!.Channel, Assert.Single(report.Channels).Scope);
        var state = await Grains.GetGrain<ICampaignGrain>(campaign).GetState();
        Assert.Equal(0, state!.Conversions);
        Assert.Equal(0m, state.Budget.Reserved + state.Budget.Spent);
    }

    [Fact]
    public async Task A_held_out_customer_passes_the_same_budget_check_so_an_unaffordable_campaign_holds_out_nobody()
    {
        var campaign = await ActiveCampaign(SampleCampaigns.SpringSale(TestEvents.NewId("hold-broke"), total: 0m) with { HoldoutPercent = 50 });
        var heldOut = CustomerIn(campaign, 50, heldOut: true);
        var treated = CustomerIn(campaign, 50, heldOut: false);

        var held = await Enter(heldOut, campaign);
        var sent = await Enter(treated, campaign);

        foreach (var d in new[] { held, sent })
        {
            Assert.Null(d.Action);
            Assert.Null(d.WouldHaveSent);
            Assert.Equal("budget_exhausted", d.Reason);
            Assert.NotNull(d.Candidates);
            Assert.All(d.Candidates, c => Assert.Equal(MarketingActors.Decisions.CandidateOutcome.Blocked, c.Outcome));
        }
        Assert.Equal(MeasurementGroup.CampaignHoldout, held.Holdout!.Group);
        // Neither reaches the lift report: a customer the campaign could not have paid for is no holdout.
        var grain = Grains.GetGrain<ICampaignGrain>(campaign);
        await Eventually.Holds(() => grain.GetState(), s => s!.Decisions == 2, because: "the silo reports both decisions");
        var report = await grain.GetLiftReport(false);
        Assert.Equal(0, report!.Overall.Treated.Decisions + report.Overall.Holdout.Decisions);
    }
}
