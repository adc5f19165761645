using MarketingActors.Campaigns;
using MarketingActors.Core.Campaigns;
using MarketingActors.Customers;
using MarketingActors.Storage;
using MarketingActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace MarketingActors.Tests.Grains.Campaigns;

[Collection(ClusterCollection.Name)]
public sealed class CampaignGrainSpec(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private async Task<ICampaignGrain> Active(CampaignDefinition definition)
    {
        var campaign = Grains.GetGrain<ICampaignGrain>(definition.Id);
        Assert.True((await campaign.Create(definition)).Succeeded);
        Assert.True((await campaign.ChangeStatus(CampaignStatus.Active)).Succeeded);
        return campaign;
    }

    /// <summary>Posts one page view for each of <paramref name="customers"/> customers at once, spread over both silos.</summary>
    private async Task<int> ActionsTakenFor(string campaignId, int customers)
    {
        var prefix = TestEvents.NewId("buyer");
        var results = await Task.WhenAll(Enumerable.Range(0, customers).Select(i =>
            Grains.GetGrain<ICustomerGrain>($"{prefix}-{i}").Ingest([TestEvents.Of($"{prefix}-{i}", "page_view")])));
        return results.SelectMany(r => r[0].Decisions).Count(d => d.CampaignId == campaignId && d.Action is not null);
    }

    [Fact]
    public async Task Never_commits_more_than_the_envelope_under_concurrent_decisions_on_two_silos()
    {
        var definition = SampleCampaigns.PaidPerView(TestEvents.NewId("envelope"), total: 1.00m, cost: 0.10m);
        var campaign = await Active(definition);

        var taken = await ActionsTakenFor(definition.Id, customers: 200);

        Assert.InRange(taken, 1, 10);
        var state = await Eventually.Holds(() => campaign.GetState(), s => s!.Decisions >= 200, because: "both silos report their tallies (wake-up retries of blocked steps add more)");
        var budget = state!.Budget;
        Assert.True(budget.Spent + budget.Reserved + budget.WrittenOff <= budget.Total, $"committed {budget.Spent + budget.Reserved} of {budget.Total}");
        Assert.Equal(budget.Total, budget.Spent + budget.Reserved + budget.Leased + budget.Remaining + budget.WrittenOff);
    }

    [Fact]
    public async Task Never_commits_more_than_the_daily_cap()
    {
        var definition = SampleCampaigns.PaidPerView(TestEvents.NewId("daily"), total: 100m, cost: 0.10m, daily: 0.50m);
        var campaign = await Active(definition);

        var taken = await ActionsTakenFor(definition.Id, customers: 100);

        Assert.InRange(taken, 1, 5);
        var state = await Eventually.Holds(() => campaign.GetState(), s => s!.Decisions >= 100);
        Assert.True(state!.Budget.CommittedToday <= 0.50m);
    }

    [Fact]
    public async Task A_failed_delivery_releases_its_reservation_and_a_delivery_confirms_spend()
    {
        var definition = SampleCampaigns.PaidPerView(TestEvents.NewId("settle"), total: 10m, cost: 1m);
        var campaign = await Active(definition);
        var id = TestEvents.NewId("settle-c");
        var customer = Grains.GetGrain<ICustomerGrain>(id);
        var first = (await customer.Ingest([TestEvents.Of(id, "page_view")]))[0].Decisions.Single(d => d.CampaignId == definition.Id);
        var second = (await customer.Ingest([TestEvents.Of(id, "page_view")]))[0].Decisions.Single(d => d.CampaignId == definition.Id);
        Assert.NotNull(first.Action);
        Assert.NotNull(second.Action);

        await customer.Ingest([
            TestEvents.Of(id, "action_delivered", decisionId: first.DecisionId),
            TestEvents.Of(id, "action_failed", decisionId: second.DecisionId),
        ]);

        // The budget settles through the lease and the delivery count through the silo's tally report:
        // two channels, so both are awaited (a fresh clone once saw the budget settled before the count).
        var state = await Eventually.Holds(() => campaign.GetState(), s => s!.Budget.Spent == 1m && s.Budget.Reserved == 0m && s.Deliveries >= 1,
            because: "the delivery confirms 1.00 and the failure releases the other 1.00");
        Assert.Equal(1, state!.Deliveries);
    }

    [Fact]
    public async Task A_paused_campaign_makes_no_decisions_and_grants_no_budget()
    {
        var definition = SampleCampaigns.PaidPerView(TestEvents.NewId("paused"), total: 10m, cost: 0.10m);
        var campaign = await Active(definition);
        Assert.True((await campaign.ChangeStatus(CampaignStatus.Paused)).Succeeded);

        var taken = await ActionsTakenFor(definition.Id, customers: 5);

        Assert.Equal(0, taken);
        Assert.Equal("campaign_inactive", (await campaign.AcquireLease("test", 1m)).Reason);
    }

    [Fact]
    public async Task Refuses_an_invalid_definition_and_stores_nothing()
    {
        var id = TestEvents.NewId("invalid");
        var bad = SampleCampaigns.SpringSale(id) with
        {
            Actions = [new ActionOption { Id = "x", Channel = "carrier-pigeon", Variant = "v", Cost = -1 }],
        };

        var result = await Grains.GetGrain<ICampaignGrain>(id).Create(bad);

        Assert.Equal("invalid_campaign", result.ErrorReason);
        Assert.Contains(result.Errors, e => e.StartsWith("actions[0].channel"));
        Assert.Contains(result.Errors, e => e.StartsWith("actions[0].cost"));
        Assert.Null(await Grains.GetGrain<ICampaignGrain>(id).Get());
    }

    [Fact]
    public async Task Lowering_the_budget_below_what_is_committed_is_refused()
    {
        var definition = SampleCampaigns.PaidPerView(TestEvents.NewId("lower"), total: 10m, cost: 1m);
        var campaign = await Active(definition);
        await ActionsTakenFor(definition.Id, customers: 1);

        var result = await campaign.SetBudget(new BudgetEnvelope { Total = 0.5m, Currency = "USD" });

        Assert.Equal("budget_below_committed", result.ErrorReason);
        Assert.Equal(10m, (await campaign.Get())!.Budget.Total);
    }

    [Fact]
    public async Task Status_follows_the_lifecycle_and_refuses_invalid_transitions()
    {
        var definition = SampleCampaigns.SpringSale(TestEvents.NewId("lifecycle"));
        var campaign = Grains.GetGrain<ICampaignGrain>(definition.Id);
        await campaign.Create(definition);

        Assert.Equal("invalid_transition", (await campaign.ChangeStatus(CampaignStatus.Paused)).ErrorReason);
        Assert.True((await campaign.ChangeStatus(CampaignStatus.Active)).Succeeded);
        Assert.True((await campaign.ChangeStatus(CampaignStatus.Completed)).Succeeded);
        Assert.Equal("invalid_transition", (await campaign.ChangeStatus(CampaignStatus.Active)).ErrorReason);
        Assert.Equal("campaign_completed", (await campaign.Update(definition)).ErrorReason);
    }

    [Fact]
    public async Task Counts_a_silo_report_once_however_often_it_is_re_sent()
    {
        var definition = SampleCampaigns.PaidPerView(TestEvents.NewId("resent"), total: 10m, cost: 1m);
        var campaign = await Active(definition);
        var report = new TallyReport
        {
            CampaignId = definition.Id,
            Holder = "silo-under-test",
            Sequence = 1,
            Decisions = 3,
            Variants = [new VariantTally { ActionId = "ad", Decisions = 3, Deliveries = 2, Conversions = 1, Revenue = 40m }],
        };

        await campaign.ReportTallies(report);
        await campaign.ReportTallies(report);
        await campaign.ReportTallies(report with { Sequence = 2, Decisions = 1, Variants = [] });

        var state = (await campaign.GetState())!;
        Assert.Equal(4, state.Decisions);
        Assert.Equal(1, state.Conversions);
        Assert.Equal(40m, state.Revenue);
    }

    [Fact]
    public async Task Keeps_evidence_per_segment_up_to_its_limit_and_hands_it_back_to_the_reporting_silo()
    {
        var definition = SampleCampaigns.PaidPerView(TestEvents.NewId("segments"), total: 10m, cost: 1m) with
        {
            Segments = new SegmentDefinition { Dimensions = [new SegmentDimension { Trait = "tier" }], MaxSegments = 2 },
        };
        var campaign = await Active(definition);
        VariantTally Tally(string? segment) => new() { ActionId = "ad", Segment = segment, Deliveries = 10, Conversions = 2, Revenue = 80m };

        var feedback = await campaign.ReportTallies(new TallyReport
        {
            CampaignId = definition.Id,
            Holder = "silo-under-test",
            Sequence = 1,
            Variants = [Tally("tier=gold"), Tally("tier=silver"), Tally("tier=bronze"), Tally(null)],
        });

        var state = (await campaign.GetState())!;
        Assert.Equal(40, state.Deliveries);
        Assert.Equal(["tier=gold", "tier=silver"], state.Segments.Select(s => s.Segment));
        Assert.All(state.Segments, s => Assert.Equal(10, Assert.Single(s.Variants).Deliveries));
        Assert.Equal(state.Segments.Select(s => s.Segment), feedback.Segments.Select(s => s.Segment));
    }

    [Fact]
    public async Task A_campaign_stored_as_one_object_by_an_older_engine_is_split_on_activation_and_the_old_record_cleared()
    {
        var definition = SampleCampaigns.PaidPerView(TestEvents.NewId("legacy"), total: 10m, cost: 1m) with { Status = CampaignStatus.Active, Version = 3 };
        var storage = fixture.Cluster.Primary is Orleans.TestingHost.InProcessSiloHandle silo
            ? silo.SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Campaigns)
            : throw new InvalidOperationException("the spec cluster runs its silos in process");
        var grainId = GrainId.Create("campaign", definition.Id);
        var old = new GrainState<LegacyCampaignGrainState>(new LegacyCampaignGrainState
        {
            Definition = definition,
            Ledger = new() { Total = 10m, Currency = "USD", ClosedSpent = 4m },
            Decisions = 12,
            Variants = new() { ["ad"] = new VariantPosterior { ActionId = "ad", Decisions = 12, Deliveries = 9, Conversions = 2, Revenue = 50m } },
            Reports = new() { ["old-silo"] = new AppliedReport(7, DateTimeOffset.UtcNow) },
        });
        await storage.WriteStateAsync("campaign", grainId, old);

        var campaign = Grains.GetGrain<ICampaignGrain>(definition.Id);
        var state = (await campaign.GetState())!;

        Assert.Equal((CampaignStatus.Active, 3L), (state.Status, state.Version));
        Assert.Equal((4m, 6m), (state.Budget.Spent, state.Budget.Remaining));
        Assert.Equal((12L, 9L, 2L, 50m), (state.Decisions, state.Deliveries, state.Conversions, state.Revenue));
        // The old silo's report 7 was applied before the split: re-sent on either channel, it counts nothing.
        await campaign.ReportTallies(new TallyReport { CampaignId = definition.Id, Holder = "old-silo", Sequence = 7, Decisions = 100 });
        Assert.Equal(12, (await campaign.GetState())!.Decisions);
        var cleared = new GrainState<LegacyCampaignGrainState>();
        await storage.ReadStateAsync("campaign", grainId, cleared);
        Assert.False(cleared.RecordExists);
    }
}
