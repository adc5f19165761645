using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MarketingActors.Gateway.Endpoints;
using MarketingActors.Governance;
using MarketingActors.Tests.Support;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace MarketingActors.Tests.Gateway.Agents;

/// <summary>The official C# MCP client against the engine's /mcp on loopback, with the engine's own keys.</summary>
/// <remarks>Its own engine: the active campaigns it creates would otherwise decide on other specs' product views.</remarks>
public sealed class McpServerSpec(EmbeddedEngine engine) : IClassFixture<EmbeddedEngine>
{
    private async Task<(string Token, string KeyId)> Key(string role, params string[] campaigns)
    {
        var response = await engine.PostJson("/v1/keys", new KeyRequest { PrincipalId = TestEvents.NewId("mcp-" + role), Role = role, Campaigns = campaigns });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var key = await engine.Json(response);
        return (key.GetProperty("token").GetString()!, key.GetProperty("keyId").GetString()!);
    }

    private async Task<(string Token, string AgentId)> Agent(AgentPolicy policy)
    {
        var agentId = TestEvents.NewId("mcp-agent");
        var response = await engine.PostJson("/v1/keys", new KeyRequest { PrincipalId = agentId, Role = Roles.Agent });
        var token = (await engine.Json(response)).GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await engine.Http.PutAsJsonAsync($"/v1/agents/{agentId}/policy", policy, GatewayJson.Options)).StatusCode);
        return (token, agentId);
    }

    private Task<McpClient> Connect(string token) => McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
    {
        Endpoint = new Uri(EmbeddedEngine.BaseAddressOf(engine.App) + "/mcp"),
        TransportMode = HttpTransportMode.StreamableHttp,
        AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token },
    }));

    private static string Text(CallToolResult result) => string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text));

    [Fact]
    public async Task Each_role_sees_only_the_tools_it_may_use()
    {
        var campaign = await engine.Created(SampleCampaigns.SpringSale(TestEvents.NewId("mcp-roles")), activate: false);
        async Task<HashSet<string>> ToolsOf(string token)
        {
            await using var client = await Connect(token);
            return [.. (await client.ListToolsAsync()).Select(t => t.Name)];
        }

        var reader = await ToolsOf((await Key(Roles.Reader)).Token);
        var owner = await ToolsOf((await Key(Roles.CampaignOwner, campaign.Id)).Token);
        var agent = await ToolsOf((await Agent(new AgentPolicy { AllowedOperations = [Operations.ReadPerformance, Operations.ShiftBudget], Campaigns = [campaign.Id], MaxBudgetChangePerDay = 10 })).Token);
        var admin = await ToolsOf(engine.AdminKey);

        Assert.Contains("campaign_report", reader);
        Assert.Contains("explain_decision", reader);
        Assert.DoesNotContain("set_budget", reader);
        Assert.DoesNotContain("get_customer", reader);
        Assert.Superset(new HashSet<string> { "create_draft_campaign", "set_budget", "pause_campaign", "propose_variant", "list_approvals" }, owner);
        Assert.DoesNotContain("get_customer", owner);
        Assert.Equal(new HashSet<string> { "list_campaigns", "get_campaign", "campaign_performance", "campaign_report", "campaign_audience", "audience_size", "set_budget", "shift_budget" }, agent);
        Assert.Equal(AgentToolNames, admin);
    }

    [Fact]
    public async Task A_key_that_may_use_no_tool_and_a_revoked_key_are_refused()
    {
        var writer = await Key(Roles.EventWriter);
        await Assert.ThrowsAnyAsync<Exception>(() => Connect(writer.Token));
        var reader = await Key(Roles.Reader);
        await using (var client = await Connect(reader.Token)) Assert.NotEmpty(await client.ListToolsAsync());

        Assert.Equal(HttpStatusCode.OK, (await engine.Http.DeleteAsync($"/v1/keys/{reader.KeyId}")).StatusCode);

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => Connect(reader.Token));
        Assert.Contains("401", refused.ToString());
    }

    [Fact]
    public async Task An_agent_reads_then_changes_a_budget_within_limits_audited_as_mcp_beyond_limits_gets_an_approval_and_outside_policy_a_reason()
    {
        var campaign = await engine.Created(SampleCampaigns.SpringSale(TestEvents.NewId("mcp-agent"), total: 100m));
        var other = await engine.Created(SampleCampaigns.SpringSale(TestEvents.NewId("mcp-other"), total: 100m));
        var (token, agentId) = await Agent(new AgentPolicy
        {
            AllowedOperations = [Operations.ReadPerformance, Operations.ShiftBudget], Campaigns = [campaign.Id], MaxBudgetChangePercentPerDay = 20,
        });
        await using var client = await Connect(token);

        var read = await client.CallToolAsync("campaign_performance", new Dictionary<string, object?> { ["campaignId"] = campaign.Id });
        Assert.True(read.IsError != true, Text(read));
        Assert.Equal(100m, read.StructuredContent!.Value.GetProperty("budget").GetProperty("total").GetDecimal());
        Assert.Contains("\"total\"", Text(read));

        var within = await client.CallToolAsync("set_budget", new Dictionary<string, object?> { ["campaignId"] = campaign.Id, ["total"] = 110m });
        Assert.True(within.IsError != true, Text(within));
        Assert.Equal(110m, (await engine.Campaign(campaign.Id)).Budget.Total);
        var audit = await engine.Json(await engine.Http.GetAsync($"/v1/audit?campaignId={campaign.Id}&principal={agentId}&limit=20"));
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("operation").GetString() == "shift_budget" && e.GetProperty("payload").GetString()!.Contains("\"via\":\"mcp:set_budget\""));

        var beyond = await client.CallToolAsync("set_budget", new Dictionary<string, object?> { ["campaignId"] = campaign.Id, ["total"] = 200m });
        Assert.True(beyond.IsError == true);
        Assert.Contains("pending_approval: ", Text(beyond));
        Assert.Equal(110m, (await engine.Campaign(campaign.Id)).Budget.Total);
        var approvals = await engine.Json(await engine.Http.GetAsync("/v1/approvals"));
        Assert.Contains(approvals.EnumerateArray(), a => Text(beyond).Contains(a.GetProperty("id").GetString()!) && a.GetProperty("change").GetProperty("campaignId").GetString() == campaign.Id);

        var outside = await client.CallToolAsync("set_budget", new Dictionary<string, object?> { ["campaignId"] = other.Id, ["total"] = 101m });
        Assert.True(outside.IsError == true);
        Assert.Contains("campaign_not_found: ", Text(outside));
        var notGranted = await client.CallToolAsync("pause_campaign", new Dictionary<string, object?> { ["campaignId"] = campaign.Id });
        Assert.True(notGranted.IsError == true);
        Assert.Contains("forbidden_operation: ", Text(notGranted));
        Assert.Equal(Campaigns.CampaignStatus.Active, (await engine.Campaign(campaign.Id)).Status);
    }

    [Fact]
    public async Task An_agents_variant_waits_for_a_human_and_a_customer_profile_respects_erasure()
    {
        var campaign = await engine.Created(SampleCampaigns.SpringSale(TestEvents.NewId("mcp-variant")));
        var (token, _) = await Agent(new AgentPolicy { AllowedOperations = [Operations.CreateVariant], Campaigns = [campaign.Id], Channels = ["email"] });
        await using (var agent = await Connect(token))
        {
            var proposed = await agent.CallToolAsync("propose_variant", new Dictionary<string, object?>
            {
                ["campaignId"] = campaign.Id,
                ["action"] = JsonSerializer.SerializeToElement(new { id = "email-15off", channel = "email", variant = "15% off", cost = 0.01 }),
            });
            Assert.True(proposed.IsError != true, Text(proposed));
        }
        var pending = await engine.Json(await engine.Http.GetAsync("/v1/approvals"));
        Assert.Contains(pending.EnumerateArray(), a => a.GetProperty("change").GetProperty("campaignId").GetString() == campaign.Id && a.GetProperty("status").GetString() == "pending");

        var customer = TestEvents.NewId("mcp-customer");
        Assert.Equal(HttpStatusCode.OK, (await engine.PostJson("/v1/events", $$"""{"eventId":"{{customer}}-1","customerId":"{{customer}}","type":"page_view","timestamp":"{{DateTimeOffset.UtcNow:O}}"}""")).StatusCode);
        await using var admin = await Connect(engine.AdminKey);
        Assert.True((await admin.CallToolAsync("get_customer", new Dictionary<string, object?> { ["customerId"] = customer })).IsError != true);
        Assert.True((await engine.Http.DeleteAsync($"/v1/customers/{customer}")).IsSuccessStatusCode);
        var erased = await admin.CallToolAsync("get_customer", new Dictionary<string, object?> { ["customerId"] = customer });
        Assert.True(erased.IsError == true);
        Assert.Contains("unknown_customer: ", Text(erased));
    }

    [Fact]
    public async Task A_campaign_report_is_a_resource_readable_within_scope()
    {
        var mine = await engine.Created(SampleCampaigns.SpringSale(TestEvents.NewId("mcp-res")));
        var theirs = await engine.Created(SampleCampaigns.SpringSale(TestEvents.NewId("mcp-res-other")));
        await using var owner = await Connect((await Key(Roles.CampaignOwner, mine.Id)).Token);

        Assert.Contains(await owner.ListResourceTemplatesAsync(), t => t.UriTemplate == "marketing://campaigns/{campaignId}/report");
        var report = await owner.ReadResourceAsync($"marketing://campaigns/{mine.Id}/report");
        var json = JsonDocument.Parse(report.Contents.OfType<TextResourceContents>().Single().Text).RootElement;
        Assert.Equal(mine.Id, json.GetProperty("campaignId").GetString());
        await Assert.ThrowsAnyAsync<Exception>(async () => await owner.ReadResourceAsync($"marketing://campaigns/{theirs.Id}/report"));
    }

    [Fact]
    public async Task An_agent_sizes_an_audience_rule_and_reads_a_report_over_a_period()
    {
        var cohort = TestEvents.NewId("cohort");
        var now = DateTimeOffset.UtcNow.ToString("O");
        var customers = Enumerable.Range(0, 12).Select(i => $$$"""{"eventId":"{{{cohort}}}-{{{i}}}","customerId":"{{{cohort}}}-c{{{i}}}","type":"identify","timestamp":"{{{now}}}","traits":{"cohort":"{{{cohort}}}","consent.email":"{{{(i % 3 != 0 ? "true" : "false")}}}"}}""");
        Assert.Equal(HttpStatusCode.OK, (await engine.PostJson("/v1/events", "[" + string.Join(",", customers) + "]")).StatusCode);
        var campaign = await engine.Created(SampleCampaigns.SpringSale(TestEvents.NewId("mcp-period")));
        var (token, _) = await Agent(new AgentPolicy { AllowedOperations = [Operations.ReadPerformance], Campaigns = [campaign.Id] });
        await using var agent = await Connect(token);
        var rule = JsonSerializer.SerializeToElement(new { all = new[] { new { field = "trait.cohort", op = "eq", value = cohort } } });

        var sized = await agent.CallToolAsync("audience_size", new Dictionary<string, object?> { ["rule"] = rule, ["channel"] = "email" });
        var badRule = await agent.CallToolAsync("audience_size", new Dictionary<string, object?>
        {
            ["rule"] = JsonSerializer.SerializeToElement(new { all = new[] { new { field = "trait.cohort", op = "like", value = cohort } } }),
        });
        var today = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd");
        var period = await agent.CallToolAsync("campaign_report", new Dictionary<string, object?> { ["campaignId"] = campaign.Id, ["from"] = "2020-01-01", ["to"] = today });
        var badPeriod = await agent.CallToolAsync("campaign_report", new Dictionary<string, object?> { ["campaignId"] = campaign.Id, ["from"] = "yesterday" });

        Assert.True(sized.IsError != true, Text(sized));
        var estimate = sized.StructuredContent!.Value;
        Assert.True(estimate.GetProperty("exact").GetBoolean());
        Assert.Equal(12, estimate.GetProperty("matching").GetProperty("estimate").GetDouble());
        Assert.Equal(8, estimate.GetProperty("reachable").GetProperty("estimate").GetDouble());
        Assert.True(badRule.IsError == true);
        Assert.Contains("invalid_rule: rule.all[0]: unknown operator", Text(badRule));
        Assert.True(period.IsError != true, Text(period));
        Assert.Equal("2020-01-01", period.StructuredContent!.Value.GetProperty("periodFrom").GetString());
        Assert.Equal("period", period.StructuredContent!.Value.GetProperty("trigger").GetString());
        Assert.True(badPeriod.IsError == true);
        Assert.Contains("invalid_period: from 'yesterday'", Text(badPeriod));
    }

    /// <summary>
    /// The contract a generic client sees, pinned: each tool's name, hints and input parameters.
    /// A change here is a change of the agent-facing API, made on purpose.
    /// </summary>
    [Fact]
    public async Task The_tools_list_is_pinned()
    {
        await using var client = await Connect(engine.AdminKey);
        var tools = (await client.ListToolsAsync()).Select(t => t.ProtocolTool).OrderBy(t => t.Name, StringComparer.Ordinal);

        var actual = string.Join("\n", tools.Select(t =>
            $"{t.Name} ro={t.Annotations?.ReadOnlyHint} destructive={t.Annotations?.DestructiveHint} idempotent={t.Annotations?.IdempotentHint} " +
            $"in=[{string.Join(",", t.InputSchema.GetProperty("properties").EnumerateObject().Select(p => p.Name))}] " +
            $"required=[{string.Join(",", t.InputSchema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()) : [])}] " +
            $"described={!string.IsNullOrWhiteSpace(t.Description)} output={t.OutputSchema is not null}"));

        Assert.Equal(PinnedTools, actual);
    }

    private static readonly HashSet<string> AgentToolNames =
    [
        "list_campaigns", "get_campaign", "campaign_performance", "campaign_report", "campaign_audience", "audience_size", "explain_decision", "get_customer",
        "create_draft_campaign", "set_budget", "shift_budget", "pause_campaign", "resume_campaign", "propose_variant", "list_approvals", "get_approval",
    ];

    private const string PinnedTools = """
        audience_size ro=True destructive= idempotent=True in=[rule,channel] required=[rule] described=True output=True
        campaign_audience ro=True destructive= idempotent=True in=[campaignId] required=[campaignId] described=True output=True
        campaign_performance ro=True destructive= idempotent=True in=[campaignId] required=[campaignId] described=True output=True
        campaign_report ro=True destructive= idempotent=True in=[campaignId,from,to] required=[campaignId] described=True output=True
        create_draft_campaign ro= destructive=False idempotent=False in=[campaign] required=[campaign] described=True output=True
        explain_decision ro=True destructive= idempotent=True in=[customerId,decisionId] required=[customerId,decisionId] described=True output=True
        get_approval ro=True destructive= idempotent=True in=[approvalId] required=[approvalId] described=True output=True
        get_campaign ro=True destructive= idempotent=True in=[campaignId] required=[campaignId] described=True output=True
        get_customer ro=True destructive= idempotent=True in=[customerId] required=[customerId] described=True output=True
        list_approvals ro=True destructive= idempotent=True in=[pendingOnly] required=[] described=True output=True
        list_campaigns ro=True destructive= idempotent=True in=[] required=[] described=True output=True
        pause_campaign ro= destructive=True idempotent=True in=[campaignId] required=[campaignId] described=True output=True
        propose_variant ro= destructive=False idempotent=False in=[campaignId,action] required=[campaignId,action] described=True output=True
        resume_campaign ro= destructive=False idempotent=True in=[campaignId] required=[campaignId] described=True output=True
        set_budget ro= destructive=False idempotent=True in=[campaignId,total,daily] required=[campaignId,total] described=True output=True
        shift_budget ro= destructive=False idempotent=False in=[fromCampaignId,toCampaignId,amount] required=[fromCampaignId,toCampaignId,amount] described=True output=True
        """;
}
