using System.Net;
using System.Text.Json;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Gateway;

[Collection(EmbeddedEngineCollection.Name)]
public sealed class CampaignApiSpec(EmbeddedEngine engine)
{
    private async Task<(HttpStatusCode Status, JsonElement Body)> Send(HttpResponseMessage response) =>
        (response.StatusCode, await engine.Json(response));

    [Fact]
    public async Task Creates_budgets_activates_and_reports_a_campaign()
    {
        var id = TestEvents.NewId("api");
        var (created, body) = await Send(await engine.PostJson("/v1/campaigns", SampleCampaigns.SpringSale(id)));
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal("draft", body.GetProperty("status").GetString());

        var budget = await engine.Http.PutAsync($"/v1/campaigns/{id}/budget",
            new StringContent("""{"total": 250, "daily": 50, "currency": "EUR"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, budget.StatusCode);
        var (activated, active) = await Send(await engine.Http.PostAsync($"/v1/campaigns/{id}/activate", null));
        Assert.Equal(HttpStatusCode.OK, activated);
        Assert.Equal("active", active.GetProperty("status").GetString());
        Assert.Equal(3, active.GetProperty("version").GetInt64());

        var state = await engine.Json(await engine.Http.GetAsync($"/v1/campaigns/{id}/state"));
        Assert.Equal(250m, state.GetProperty("budget").GetProperty("total").GetDecimal());
        Assert.Equal(250m, state.GetProperty("budget").GetProperty("remaining").GetDecimal());
        Assert.Equal("EUR", state.GetProperty("budget").GetProperty("currency").GetString());
        var listed = await engine.Json(await engine.Http.GetAsync("/v1/campaigns"));
        Assert.Contains(listed.EnumerateArray(), c => c.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Rejects_an_invalid_campaign_with_every_reason_and_stores_nothing()
    {
        var id = TestEvents.NewId("api-bad");
        var invalid = SampleCampaigns.SpringSale(id) with
        {
            Budget = new() { Total = 10, Daily = 20, Currency = "usd" },
            Guardrails = new() { MinLikelihood = 2 },
            Segments = new() { Dimensions = [new() { Feature = "shoe_size", Buckets = [40] }] },
        };

        var (status, body) = await Send(await engine.PostJson("/v1/campaigns", invalid));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("invalid_campaign", body.GetProperty("reason").GetString());
        var errors = body.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Contains(errors, e => e.StartsWith("budget.daily"));
        Assert.Contains(errors, e => e.StartsWith("budget.currency"));
        Assert.Contains(errors, e => e.StartsWith("guardrails.minLikelihood"));
        Assert.Contains(errors, e => e.StartsWith("segments.dimensions[0].feature"));
        Assert.Equal(HttpStatusCode.NotFound, (await engine.Http.GetAsync($"/v1/campaigns/{id}")).StatusCode);
    }

    [Theory]
    [InlineData("""{"id": "x", "status": "exploding"}""")]
    [InlineData("""{"id": "x", "actions": "many"}""")]
    [InlineData("""[1, 2, 3]""")]
    [InlineData("""{"id": """)]
    public async Task Rejects_malformed_campaign_JSON(string json)
    {
        var (status, body) = await Send(await engine.PostJson("/v1/campaigns", json));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_json", body.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Answers_conflicts_and_unknown_campaigns_with_reasons()
    {
        var id = TestEvents.NewId("api-conflict");
        await engine.PostJson("/v1/campaigns", SampleCampaigns.SpringSale(id));

        var (dup, dupBody) = await Send(await engine.PostJson("/v1/campaigns", SampleCampaigns.SpringSale(id)));
        var (pause, pauseBody) = await Send(await engine.Http.PostAsync($"/v1/campaigns/{id}/pause", null));
        var (missing, missingBody) = await Send(await engine.Http.GetAsync("/v1/campaigns/no-such-campaign"));
        var (badId, _) = await Send(await engine.Http.GetAsync("/v1/campaigns/NOT..valid"));

        Assert.Equal((HttpStatusCode.Conflict, "campaign_exists"), (dup, dupBody.GetProperty("reason").GetString()));
        Assert.Equal((HttpStatusCode.Conflict, "invalid_transition"), (pause, pauseBody.GetProperty("reason").GetString()));
        Assert.Equal((HttpStatusCode.NotFound, "campaign_not_found"), (missing, missingBody.GetProperty("reason").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, badId);
    }
}
