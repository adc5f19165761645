using MarketingActors.Campaigns;
using MarketingActors.Core.Customers;
using MarketingActors.Core.Governance;
using MarketingActors.Core.Profiles;
using MarketingActors.Customers;
using MarketingActors.Decisions;
using MarketingActors.Events;
using MarketingActors.Governance;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Grains.Customers;

[Collection(ClusterCollection.Name)]
public sealed class CustomerGrainSpec(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private async Task<string> ActiveCampaign(CampaignDefinition definition)
    {
        var campaign = Grains.GetGrain<ICampaignGrain>(definition.Id);
        Assert.True((await campaign.Create(definition)).Succeeded);
        Assert.True((await campaign.ChangeStatus(CampaignStatus.Active)).Succeeded);
        return definition.Id;
    }

    private ICustomerGrain Customer(string id) => Grains.GetGrain<ICustomerGrain>(id);

    [Fact]
    public async Task Applies_a_resent_event_once()
    {
        var id = TestEvents.NewId("dup");
        var e = TestEvents.Of(id, "page_view");
        var first = await Customer(id).Ingest([e]);
        var again = await Customer(id).Ingest([e, e with { }]);

        Assert.Equal(EventStatus.Accepted, first[0].Status);
        Assert.All(again, r => Assert.Equal(EventStatus.Duplicate, r.Status));
        Assert.Equal(1, (await Customer(id).GetView()).EventCount);
    }

    [Fact]
    public async Task Moves_a_customer_who_skips_emails_but_clicks_ads_to_the_ads_action()
    {
        var campaign = await ActiveCampaign(SampleCampaigns.SpringSale(TestEvents.NewId("adapt")));
        var id = TestEvents.NewId("adapt-c");
        var now = DateTimeOffset.UtcNow;
        var history = new List<MarketingEvent>
        {
            TestEvents.Of(id, "identify", now.AddHours(-3), properties: new() { ["consent.email"] = "true", ["timezone"] = "UTC" }),
        };
        for (var i = 0; i < 5; i++)
        {
            history.Add(TestEvents.Of(id, "email_sent", now.AddHours(-2).AddMinutes(i)));
            history.Add(TestEvents.Of(id, "email_skipped", now.AddHours(-2).AddMinutes(i + 1)));
        }
        for (var i = 0; i < 3; i++) history.Add(TestEvents.Of(id, "ad_clicked", now.AddHours(-1).AddMinutes(i)));
        await Customer(id).Ingest([.. history]);

        var result = (await Customer(id).Ingest([TestEvents.Of(id, "product_view", now)]))[0];

        var decision = Assert.Single(result.Decisions, d => d.CampaignId == campaign);
        Assert.Equal("ads-retarget", decision.Action?.ActionId);
        Assert.NotNull(decision.Candidates);
        var email = Assert.Single(decision.Candidates, c => c.ActionId == "email-10off");
        Assert.Equal(CandidateOutcome.RankedLower, email.Outcome);
        Assert.Contains("lower_expected_value", email.Reasons);
        Assert.True(decision.Candidates.Single(c => c.ActionId == "ads-retarget").ChannelAffinity > email.ChannelAffinity);
    }

    [Fact]
    public async Task Reroutes_to_the_reengagement_path_when_engagement_velocity_drops()
    {
        // The wait after the first touch outlasts the history, so the customer is still in the journey when engagement drops.
        var campaign = await ActiveCampaign(SampleCampaigns.SpringSale(TestEvents.NewId("drop"), waitDays: 60));
        var id = TestEvents.NewId("drop-c");
        var now = DateTimeOffset.UtcNow;
        // A month of daily engagement, entering the journey early on; then six silent days.
        var history = new List<MarketingEvent>
        {
            TestEvents.Of(id, "identify", now.AddDays(-31), properties: new() { ["consent.push"] = "true" }),
            TestEvents.Of(id, "product_view", now.AddDays(-30)),
        };
        for (var day = 29; day >= 6; day--)
        {
            history.Add(TestEvents.Of(id, "page_view", now.AddDays(-day)));
            history.Add(TestEvents.Of(id, "email_opened", now.AddDays(-day).AddMinutes(5), channel: "email"));
        }
        var before = await Customer(id).Ingest([.. history]);
        Assert.DoesNotContain(before, r => r.Triggers.Contains(TriggerNames.VelocityDrop));

        var result = (await Customer(id).Ingest([TestEvents.Of(id, "email_skipped", now)]))[0];

        Assert.Contains(TriggerNames.VelocityDrop, result.Triggers);
        var decision = Assert.Single(result.Decisions, d => d.CampaignId == campaign);
        Assert.Equal("reengage", decision.JourneyStepId);
        Assert.Equal("push-winback", decision.Action?.ActionId);
        var journey = (await Customer(id).GetView()).Journeys.Single(j => j.CampaignId == campaign);
        Assert.Contains("reroute:velocity_drop", journey.Path);
    }

    [Fact]
    public async Task Blocks_outbound_channels_without_consent_and_explains_why()
    {
        var definition = SampleCampaigns.SpringSale(TestEvents.NewId("consent")) with
        {
            Actions = [new ActionOption { Id = "email-10off", Channel = "email", Variant = "10% off", Cost = 0.01m }],
            Journey = new JourneyDefinition { EntryTrigger = "product_view", Steps = [new JourneyStep { Id = "touch", Kind = StepKind.Action }] },
        };
        var campaign = await ActiveCampaign(definition);
        var id = TestEvents.NewId("consent-c");

        var result = (await Customer(id).Ingest([TestEvents.Of(id, "product_view")]))[0];

        var decision = Assert.Single(result.Decisions, d => d.CampaignId == campaign);
        Assert.Null(decision.Action);
        Assert.Equal("no_eligible_candidate", decision.Reason);
        Assert.NotNull(decision.Candidates);
        Assert.Contains("consent_missing", decision.Candidates.Single().Reasons);
    }

    [Fact]
    public async Task Alias_merges_the_anonymous_profile_into_the_known_customer()
    {
        var anonymous = TestEvents.NewId("anon");
        var known = TestEvents.NewId("known");
        await Customer(anonymous).Ingest([TestEvents.Of(anonymous, "page_view"), TestEvents.Of(anonymous, "add_to_cart")]);
        await Customer(known).Ingest([TestEvents.Of(known, "identify", properties: new() { ["locale"] = "fr-CA" })]);

        await Customer(known).Ingest([TestEvents.Of(known, "alias", properties: new() { ["previousId"] = anonymous })]);
        var later = await Customer(anonymous).Ingest([TestEvents.Of(anonymous, "page_view")]);

        var view = await Customer(known).GetView();
        Assert.Equal(EventStatus.Accepted, later[0].Status);
        Assert.Contains(anonymous, view.MergedFrom);
        Assert.Equal(5, view.EventCount); // 2 anonymous + identify + alias + 1 forwarded after the merge
        Assert.Equal("fr-CA", view.Traits["locale"]);
        Assert.Equal(known, (await Customer(anonymous).GetView()).MergedInto);
    }

    [Fact]
    public async Task Fires_the_cold_lead_trigger_from_its_timer_and_enters_the_winback_journey()
    {
        var campaign = await ActiveCampaign(SampleCampaigns.WinBack(TestEvents.NewId("cold")));
        var id = TestEvents.NewId("cold-c");
        await Customer(id).Ingest([
            TestEvents.Of(id, "identify", properties: new() { ["consent.push"] = "true" }),
            TestEvents.Of(id, "page_view"),
        ]);

        // ColdLeadAfter is 2 s in the test cluster; nothing else happens to this customer.
        var view = await Eventually.Holds(() => Customer(id).GetView(),
            v => v.FiredTriggers.Contains(TriggerNames.ColdLead) && v.RecentDecisions.Any(d => d.CampaignId == campaign),
            TimeSpan.FromSeconds(20), "the wake-up reminder should fire the cold-lead trigger");
        Assert.Equal("push-winback", view.RecentDecisions.Single(d => d.CampaignId == campaign).ActionId);
    }

    [Fact]
    public async Task Exits_the_journey_on_conversion_and_credits_the_decision()
    {
        var campaign = await ActiveCampaign(SampleCampaigns.SpringSale(TestEvents.NewId("convert")));
        var id = TestEvents.NewId("convert-c");
        var decision = (await Customer(id).Ingest([TestEvents.Of(id, "product_view")]))[0].Decisions.Single(d => d.CampaignId == campaign);
        Assert.NotNull(decision.Action);

        await Customer(id).Ingest([
            TestEvents.Of(id, "action_delivered", decisionId: decision.DecisionId),
            TestEvents.Of(id, "purchase", decisionId: decision.DecisionId, value: 120m),
        ]);

        var journey = (await Customer(id).GetView()).Journeys.Single(j => j.CampaignId == campaign);
        Assert.Equal("exited", journey.Status);
        Assert.Equal("converted", journey.ExitReason);
        var state = await Eventually.Holds(() => Grains.GetGrain<ICampaignGrain>(campaign).GetState(),
            s => s!.Conversions == 1 && s.Deliveries == 1);
        Assert.Equal(120m, state!.Revenue);
        Assert.Equal(decision.Action!.Cost, state.Budget.Spent);
    }

    [Fact]
    public async Task A_looping_definition_that_never_met_the_compiler_is_stopped_by_the_fuse_and_its_campaign_pauses()
    {
        var id = await ActiveCampaign(SampleCampaigns.PaidPerView(TestEvents.NewId("fuse"), total: 100m, cost: 0m));
        // As if stored before journeys were checked as graphs: its one action step leads back to itself.
        var stored = (await Grains.GetGrain<ICampaignGrain>(id).Get())!;
        await Grains.GetGrain<ICampaignCatalogGrain>(0).Publish(stored with { Journey = stored.Journey with { Steps = [stored.Journey.Steps[0] with { Next = "show" }] } });
        var customer = TestEvents.NewId("fuse-c");

        var result = (await Customer(customer).Ingest([TestEvents.Of(customer, "page_view")]))[0];

        var options = new CustomerOptions();
        Assert.Equal(options.MaxJourneyActsPerEvent, result.Decisions.Count(d => d.CampaignId == id));
        var journey = Assert.Single((await Customer(customer).GetView()).Journeys, j => j.CampaignId == id);
        Assert.Equal(("exited", AnomalyGuard.DecisionFuse), (journey.Status, journey.ExitReason));
        await Eventually.Holds(() => Grains.GetGrain<ICampaignGrain>(id).Get(), c => c!.Status == CampaignStatus.Paused, because: "the fuse trip pauses the campaign");
        var audit = await Grains.GetGrain<IAuditLogGrain>(0).Query(new AuditQuery { CampaignId = id, Kind = AuditKinds.Change });
        Assert.Contains(audit, e => e.Operation == "auto_pause" && e.Payload.ToString().Contains(AnomalyGuard.DecisionFuse));
    }

    [Fact]
    public async Task The_fuse_also_caps_acting_decisions_per_customer_per_hour()
    {
        var id = await ActiveCampaign(SampleCampaigns.PaidPerView(TestEvents.NewId("hourly"), total: 100m, cost: 0m));
        var customer = TestEvents.NewId("hourly-c");
        var perHour = new CustomerOptions().MaxJourneyActsPerHour;
        // The fuse counts per clock hour: the views' seconds must not straddle one (the suite once ran this at 16:59:25).
        var now = DateTimeOffset.UtcNow;
        var hourStart = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero);
        var at = new[] { hourStart, now.AddSeconds(-(perHour + 5)) }.Max();

        // Every page view re-enters the journey and acts once: within one hour, the hour's allowance and no more.
        var views = Enumerable.Range(0, perHour + 5).Select(i => TestEvents.Of(customer, "page_view", at.AddSeconds(i))).ToArray();
        var results = await Customer(customer).Ingest(views);

        Assert.Equal(perHour, results.Sum(r => r.Decisions.Count(d => d.CampaignId == id)));
        await Eventually.Holds(() => Grains.GetGrain<ICampaignGrain>(id).Get(), c => c!.Status == CampaignStatus.Paused, because: "the hourly fuse pauses the campaign too");
    }

    [Fact]
    public async Task Without_a_journal_an_id_resent_past_the_dedup_window_is_applied_again_as_documented()
    {
        // Embedded mode (and this in-memory cluster) journal nothing: the customer's window of ids is all there is.
        var id = TestEvents.NewId("window");
        var first = TestEvents.Of(id, "page_view");
        await Customer(id).Ingest([first]);
        var newer = Enumerable.Range(0, new CustomerOptions().DedupWindow).Select(i => TestEvents.Of(id, "page_view")).ToArray();
        await Customer(id).Ingest(newer[..500]);
        await Customer(id).Ingest(newer[500..]);

        var again = await Customer(id).Ingest([first]);

        Assert.Equal(EventStatus.Accepted, again[0].Status);
        Assert.Equal(newer.Length + 2, (await Customer(id).GetView()).EventCount);
    }
}
