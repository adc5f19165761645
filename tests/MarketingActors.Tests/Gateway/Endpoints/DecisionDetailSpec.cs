using System.Net;
using System.Text.Json;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Gateway.Endpoints;

[Collection(EmbeddedEngineCollection.Name)]
public sealed class DecisionDetailSpec(EmbeddedEngine engine)
{
    [Fact]
    public async Task An_answer_carries_what_to_act_on_and_the_verdicts_only_when_asked_while_the_audit_keeps_them_always()
    {
        var campaign = (await engine.Created(SampleCampaigns.SpringSale(TestEvents.NewId("detail")))).Id;
        var plain = TestEvents.NewId("plain");

        var decision = await engine.DecisionOnProductView(campaign, plain);
        var explained = await engine.DecisionOnProductView(campaign, TestEvents.NewId("curious"), "/v1/events?explain=true");

        Assert.False(decision.TryGetProperty("candidates", out _));
        Assert.True(decision.TryGetProperty("action", out _));
        Assert.Equal(JsonValueKind.Number, decision.GetProperty("scores").GetProperty("conversionLikelihood").ValueKind);
        Assert.Equal(["ads-retarget", "email-10off"], explained.GetProperty("candidates").EnumerateArray().Select(v => v.GetProperty("actionId").GetString()).Order());
        var logged = await Eventually.Holds(
            () => engine.Http.GetAsync($"/v1/audit/explain?customerId={plain}&decisionId={decision.GetProperty("decisionId").GetString()}"),
            r => r.StatusCode == HttpStatusCode.OK, because: "the decision reaches the audit log through the batched writer");
        Assert.Equal(2, (await engine.Json(logged)).GetProperty("candidates").GetArrayLength());
    }

    [Theory]
    [InlineData("/v1/events?explain=yes")]
    [InlineData("/v1/events?explain=true&explain=false")]
    [InlineData("/v1/batch?explain=1")]
    public async Task A_flag_that_is_not_true_or_false_is_refused_before_anything_is_stored(string path)
    {
        var customer = TestEvents.NewId("flag");
        var body = path.StartsWith("/v1/batch")
            ? $$"""{"batch":[{"type":"track","event":"Product Viewed","userId":"{{customer}}","messageId":"{{customer}}-1"}]}"""
            : $$"""{"eventId":"{{customer}}-1","customerId":"{{customer}}","type":"product_view"}""";

        var response = await engine.PostJson(path, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_explain", (await engine.Json(response)).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await engine.Http.GetAsync($"/v1/customers/{customer}")).StatusCode);
    }
}
