using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MarketingActors.Campaigns;
using MarketingActors.Gateway.Endpoints;
using MarketingActors.Governance;

namespace MarketingActors.Tests.Support;

/// <summary>Keys, policies and campaign calls the governance specifications share, all over the engine's HTTP API.</summary>
public static class Governed
{
    public static async Task<HttpClient> KeyFor(this EmbeddedEngine engine, string principalId, string role, params string[] campaigns)
    {
        var response = await engine.PostJson("/v1/keys", new KeyRequest { PrincipalId = principalId, Role = role, Campaigns = campaigns });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return engine.ClientWith((await engine.Json(response)).GetProperty("token").GetString());
    }

    public static async Task<HttpClient> AgentWith(this EmbeddedEngine engine, string agentId, AgentPolicy policy)
    {
        var agent = await engine.KeyFor(agentId, Roles.Agent);
        var set = await engine.Http.PutAsJsonAsync($"/v1/agents/{agentId}/policy", policy, GatewayJson.Options);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        return agent;
    }

    public static async Task<CampaignDefinition> Created(this EmbeddedEngine engine, CampaignDefinition campaign, bool activate = true)
    {
        Assert.Equal(HttpStatusCode.Created, (await engine.PostJson("/v1/campaigns", campaign)).StatusCode);
        if (activate) Assert.Equal(HttpStatusCode.OK, (await engine.Http.PostAsync($"/v1/campaigns/{campaign.Id}/activate", null)).StatusCode);
        return (await engine.Http.GetFromJsonAsync<CampaignDefinition>($"/v1/campaigns/{campaign.Id}", GatewayJson.Options))!;
    }

    public static async Task<CampaignDefinition> Campaign(this EmbeddedEngine engine, string id) =>
        (await engine.Http.GetFromJsonAsync<CampaignDefinition>($"/v1/campaigns/{id}", GatewayJson.Options))!;

    public static Task<HttpResponseMessage> Put<T>(this HttpClient client, string path, T body) => client.PutAsJsonAsync(path, body, GatewayJson.Options);

    public static Task<HttpResponseMessage> Post<T>(this HttpClient client, string path, T body) => client.PostAsJsonAsync(path, body, GatewayJson.Options);

    public static async Task<(HttpStatusCode Status, string? Reason)> Outcome(this Task<HttpResponseMessage> call)
    {
        var response = await call;
        var text = await response.Content.ReadAsStringAsync();
        if (text.Length == 0 || text[0] != '{') return (response.StatusCode, null);
        var body = JsonDocument.Parse(text).RootElement;
        return (response.StatusCode, body.TryGetProperty("reason", out var r) ? r.GetString() : null);
    }

    public static async Task<JsonElement> Body(this Task<HttpResponseMessage> call) =>
        JsonDocument.Parse(await (await call).Content.ReadAsStringAsync()).RootElement;
}
