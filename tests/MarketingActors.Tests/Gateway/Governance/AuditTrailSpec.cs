using System.Net;
using MarketingActors.Core.Measurement;
using MarketingActors.Governance;
using MarketingActors.Measurement;
using MarketingActors.Storage;
using MarketingActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MarketingActors.Tests.Gateway.Governance;

[Collection(EmbeddedEngineCollection.Name)]
public sealed class AuditTrailSpec(EmbeddedEngine engine)
{
    [Fact]
    public async Task Every_decision_is_logged_and_why_Y_and_not_Z_is_answered_from_the_log()
    {
        var campaign = (await engine.Created(SampleCampaigns.SpringSale(TestEvents.NewId("why")))).Id;
        var customer = TestEvents.NewId("asker");
        var decision = await engine.DecisionOnProductView(campaign, customer);
        var decisionId = decision.GetProperty("decisionId").GetString();
        var chosen = decision.GetProperty("action").GetProperty("actionId").GetString();
        var other = chosen == "email-10off" ? "ads-retarget" : "email-10off";

        var explained = await Eventually.Holds(
            () => engine.Http.GetAsync($"/v1/audit/explain?customerId={customer}&decisionId={decisionId}&compare={other},push-winback"),
            r => r.StatusCode == HttpStatusCode.OK, because: "the decision reaches the audit log through the batched writer");
        var answer = await engine.Json(explained);

        Assert.Equal(chosen, answer.GetProperty("chosenActionId").GetString());
        Assert.Equal(decision.GetProperty("modelVersion").GetString(), answer.GetProperty("modelVersion").GetString());
        var answers = answer.GetProperty("answers").EnumerateArray().Select(a => a.GetString()!).ToArray();
        Assert.StartsWith($"{other}: eligible but ranked lower than {chosen}", answers[0]);
        Assert.StartsWith("push-winback: not a candidate", answers[1]);
        var logged = await engine.Http.GetAsync($"/v1/audit?customerId={customer}&campaignId={campaign}&kind=decision").Body();
        var entry = Assert.Single(logged.EnumerateArray());
        Assert.DoesNotContain(customer, entry.GetRawText());
    }

    [Fact]
    public async Task Why_a_held_out_customer_got_nothing_is_answered_with_the_holdout_draw_from_the_log()
    {
        var campaign = (await engine.Created(SampleCampaigns.SpringSale(TestEvents.NewId("draw")) with { HoldoutPercent = 50 })).Id;
        var m = engine.App.Services.GetRequiredService<IOptions<MeasurementOptions>>().Value;
        var customer = Enumerable.Range(0, 1000).Select(i => $"held-{campaign}-{i}")
            .First(id => HoldoutDraw.Assign(m.Salt, m.SaltId, id, campaign, 50, m.GlobalControlPercent).Group == MeasurementGroup.CampaignHoldout);
        var decision = await engine.DecisionOnProductView(campaign, customer);

        var explained = await Eventually.Holds(
            () => engine.Http.GetAsync($"/v1/audit/explain?customerId={customer}&decisionId={decision.GetProperty("decisionId").GetString()}"),
            r => r.StatusCode == HttpStatusCode.OK, because: "the decision reaches the audit log through the batched writer");
        var answer = await engine.Json(explained);

        var draw = answer.GetProperty("holdout");
        Assert.Equal("campaignHoldout", draw.GetProperty("group").GetString());
        Assert.Equal(m.SaltId, draw.GetProperty("saltId").GetString());
        Assert.Equal(HoldoutDraw.Bucket(m.Salt, customer, campaign), draw.GetProperty("bucket").GetDouble());
        Assert.StartsWith("holdout: drawn into the campaign holdout (campaign bucket", answer.GetProperty("answers")[0].GetString());
    }

    [Fact]
    public async Task The_audit_log_is_queried_by_campaign_principal_and_time()
    {
        var campaign = (await engine.Created(SampleCampaigns.SpringSale(TestEvents.NewId("q")), activate: false)).Id;
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        await engine.Http.PostAsync($"/v1/campaigns/{campaign}/activate", null);

        var byCampaign = await engine.Http.GetAsync($"/v1/audit?campaignId={campaign}").Body();
        Assert.Equal(["activate", "create_campaign"], byCampaign.EnumerateArray().Select(e => e.GetProperty("operation").GetString()!).ToArray());
        var since = await engine.Http.GetAsync($"/v1/audit?campaignId={campaign}&from={Uri.EscapeDataString(start.ToString("O"))}&principal=bootstrap-admin").Body();
        Assert.Contains(since.EnumerateArray(), e => e.GetProperty("operation").GetString() == "activate");
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_limit"), await engine.Http.GetAsync("/v1/audit?limit=0").Outcome());
    }

    [Fact]
    public async Task Verification_fails_after_a_direct_edit_of_a_stored_entry_and_names_it()
    {
        await engine.Created(SampleCampaigns.SpringSale(TestEvents.NewId("tamper")));
        var intact = await engine.Http.GetAsync("/v1/audit/verify").Body();
        Assert.True(intact.GetProperty("intact").GetBoolean());

        var store = (InMemoryAuditLog)engine.App.Services.GetRequiredService<IAuditLog>();
        var victim = (await store.Query(new AuditQuery { Kind = AuditKinds.Change, Limit = 1 }))[0];
        store.EditStoredEntry(victim.Sequence, e => e with { Principal = "someone-else" });
        try
        {
            var broken = await engine.Http.GetAsync("/v1/audit/verify").Body();
            Assert.False(broken.GetProperty("intact").GetBoolean());
            Assert.Equal(victim.Sequence, broken.GetProperty("firstBadSequence").GetInt64());
            Assert.Equal("edited", broken.GetProperty("problem").GetString());
        }
        finally
        {
            store.EditStoredEntry(victim.Sequence, _ => victim);
        }
        Assert.True((await engine.Http.GetAsync("/v1/audit/verify").Body()).GetProperty("intact").GetBoolean());
    }
}
