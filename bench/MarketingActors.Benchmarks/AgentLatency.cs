using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MarketingActors.Campaigns;
using MarketingActors.Measurement;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;

namespace MarketingActors.Benchmarks;

/// <summary>
/// Insight to execution for agents (issue 17), on fresh embedded engines over loopback HTTP. Per
/// round and mode, new campaigns; the clock starts the moment the evidence lands in the campaign
/// grains (the tallies a silo reports) and stops when the change is executed (or queued for
/// approval), as the engine itself reports it.
/// <list type="bullet">
/// <item>ROI: two campaigns whose holdout measurement shows a clear ROI difference. Built-in: the
/// budget agent's look (POST …/run; its schedule adds up to its interval on top). MCP: a scripted
/// agent (no model: what the engine costs an agent, not the model's thinking time) that connects,
/// reads both reports and calls shift_budget.</item>
/// <item>Anomaly: a campaign whose report shows a complaint spike. Built-in: the guard pauses
/// inside the report itself (on an engine with the guard on); the clock stops when the campaign
/// reads paused. MCP: on an engine with the guard off, the scripted agent reads
/// campaign_performance, sees the complaint rate and calls pause_campaign.</item>
/// </list>
/// The silos report tallies every MarketingActors:Budget:ReportInterval (1 s by default): an
/// event's evidence waits up to that long before any of this starts. Every round is printed, then
/// the median and range.
///
///   dotnet run -c Release --project bench/MarketingActors.Benchmarks -- agent-latency 10
/// </summary>
public static class AgentLatency
{
    // A well-known key for these throwaway engines only (loopback, in memory, gone when the run ends).
    private const string AdminKey = "ma_cb43f357df1f_khSbXoy22IcGhKCQXOPGZES9j2CJao710PuaTycMgUk";

    private sealed record Engine(WebApplication App, string BaseUrl, IGrainFactory Grains, HttpClient Admin, string AgentKey);

    public static async Task Run(int rounds)
    {
        var unguarded = await Start(guardOn: false);
        var guarded = await Start(guardOn: true);
        var timings = new Dictionary<string, List<double>>();
        async Task Time(string mode, int round, Func<Task<string>> run)
        {
            var started = Stopwatch.GetTimestamp();
            var outcome = await run();
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            (timings.TryGetValue(mode, out var list) ? list : timings[mode] = []).Add(ms);
            Console.WriteLine($"round {round} {mode,-46} {outcome,-10} {ms,8:F1} ms");
        }
        for (var round = 1; round <= rounds; round++)
        {
            var (strong, weak) = await RoiPair(unguarded, "budget-agent", $"builtin-{round}");
            (await unguarded.Admin.PutAsJsonAsync($"/v1/budget-agent/g{round}", new { campaigns = new[] { strong, weak }, enabled = true, every = "01:00:00" })).EnsureSuccessStatusCode();
            await Time("ROI: built-in budget agent (look)", round, async () => { await RoiEvidence(unguarded, strong, weak, round); return await BuiltIn(unguarded.Admin, round); });

            (strong, weak) = await RoiPair(unguarded, "bench-mcp-agent", $"mcp-{round}");
            await Time("ROI: MCP agent (connect, 2 reports, shift)", round, async () => { await RoiEvidence(unguarded, strong, weak, round); return await ScriptedMcpAgent(unguarded, strong, weak); });

            var watched = await Campaign(guarded.Admin, $"guard-{round}");
            await Time("anomaly: built-in guard (pause)", round, async () => { await ComplaintSpike(guarded, watched); return await PausedBy(guarded, watched); });

            var spiking = await Campaign(unguarded.Admin, $"mcp-anomaly-{round}");
            await Policy(unguarded, "bench-mcp-agent", [spiking], "read_performance", "pause");
            await Time("anomaly: MCP agent (connect, read, pause)", round, async () => { await ComplaintSpike(unguarded, spiking); return await ScriptedMcpGuard(unguarded, spiking); });
        }
        foreach (var (mode, list) in timings)
        {
            var sorted = list.Order().ToList();
            Console.WriteLine($"{mode}: median {sorted[sorted.Count / 2]:F1} ms, range {sorted[0]:F1}-{sorted[^1]:F1} ms over {sorted.Count} rounds");
        }
        await Task.WhenAll(unguarded.App.StopAsync(), guarded.App.StopAsync());
    }

    private static async Task<Engine> Start(bool guardOn)
    {
        var (app, baseUrl) = await LoopbackEngine.Start($"--MarketingActors:Security:BootstrapAdminKey={AdminKey}", $"--MarketingActors:Anomalies:Enabled={guardOn}");
        var admin = Client(baseUrl, AdminKey);
        var agentKey = (await (await admin.PostAsJsonAsync("/v1/keys", new { principalId = "bench-mcp-agent", role = "agent" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        return new Engine(app, baseUrl, app.Services.GetRequiredService<IGrainFactory>(), admin, agentKey);
    }

    private static async Task<(string Strong, string Weak)> RoiPair(Engine engine, string principal, string name)
    {
        var strong = await Campaign(engine.Admin, $"{name}-strong");
        var weak = await Campaign(engine.Admin, $"{name}-weak");
        await Policy(engine, principal, [strong, weak], "read_performance", "shift_budget");
        return (strong, weak);
    }

    /// <summary>A budget limit only with shift_budget: the policy validator refuses a limit without its operation.</summary>
    private static async Task Policy(Engine engine, string principal, string[] campaigns, params string[] operations) =>
        (await engine.Admin.PutAsJsonAsync($"/v1/agents/{principal}/policy", new
        {
            allowedOperations = operations, campaigns, maxBudgetChangePerDay = operations.Contains("shift_budget") ? 1000 : (int?)null,
        })).EnsureSuccessStatusCode();

    private static async Task RoiEvidence(Engine engine, string strong, string weak, int round)
    {
        await Measure(engine.Grains, strong, 0.03, round);
        await Measure(engine.Grains, weak, 0.011, round + 1000);
    }

    private static async Task<string> PausedBy(Engine engine, string campaign) =>
        (await engine.Grains.GetGrain<ICampaignGrain>(campaign).Get())!.Status == CampaignStatus.Paused ? "paused" : "not paused";

    private static async Task<string> ScriptedMcpGuard(Engine engine, string campaign)
    {
        await using var client = await Connect(engine);
        var state = (await client.CallToolAsync("campaign_performance", new Dictionary<string, object?> { ["campaignId"] = campaign })).StructuredContent!.Value;
        var complaintRate = state.GetProperty("complaints").GetDouble() / Math.Max(1, state.GetProperty("deliveries").GetDouble());
        if (complaintRate <= 0.001) return "calm";
        var result = await client.CallToolAsync("pause_campaign", new Dictionary<string, object?> { ["campaignId"] = campaign });
        return result.IsError == true ? "refused" : "paused";
    }

    /// <summary>1,000 deliveries and 20 complaints (2%, twenty times the guard's floor), as a silo would report them.</summary>
    private static Task ComplaintSpike(Engine engine, string campaign) =>
        engine.Grains.GetGrain<ICampaignGrain>(campaign).ReportTallies(new TallyReport
        {
            CampaignId = campaign, Holder = "bench", Sequence = 1, Decisions = 1_000, Complaints = 20,
            Variants = [new VariantTally { ActionId = "email", Decisions = 1_000, Deliveries = 1_000 }],
        });

    private static Task<McpClient> Connect(Engine engine) => McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
    {
        Endpoint = new Uri(engine.BaseUrl + "/mcp"), TransportMode = HttpTransportMode.StreamableHttp,
        AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + engine.AgentKey },
    }));

    private static async Task<string> BuiltIn(HttpClient admin, int round)
    {
        var run = await (await admin.PostAsync($"/v1/budget-agent/g{round}/run", null)).Content.ReadFromJsonAsync<JsonElement>();
        return run.GetProperty("outcome").GetString()!;
    }

    private static async Task<string> ScriptedMcpAgent(Engine engine, string a, string b)
    {
        await using var client = await Connect(engine);
        async Task<JsonElement> Roi(string id) => (await client.CallToolAsync("campaign_report", new Dictionary<string, object?> { ["campaignId"] = id })).StructuredContent!.Value.GetProperty("overall").GetProperty("roi");
        var (ra, rb) = (await Roi(a), await Roi(b));
        var (better, worse) = ra.GetProperty("lower").GetDouble() > rb.GetProperty("upper").GetDouble() ? (a, b) : (b, a);
        var result = await client.CallToolAsync("shift_budget", new Dictionary<string, object?> { ["fromCampaignId"] = worse, ["toCampaignId"] = better, ["amount"] = 10m });
        return result.IsError == true ? "refused" : "moved";
    }

    private static async Task<string> Campaign(HttpClient admin, string id)
    {
        var campaign = new CampaignDefinition
        {
            Id = id, Name = id,
            Actions = [new ActionOption { Id = "email", Channel = "email", Variant = "v", Cost = 0.001m }],
            Journey = new JourneyDefinition { EntryTrigger = "product_view", Steps = [new JourneyStep { Id = "s", Kind = StepKind.Action }] },
            Budget = new BudgetEnvelope { Total = 100m, Currency = "USD" },
        };
        (await admin.PostAsJsonAsync("/v1/campaigns", campaign, Gateway.Endpoints.GatewayJson.Options)).EnsureSuccessStatusCode();
        (await admin.PostAsync($"/v1/campaigns/{id}/activate", null)).EnsureSuccessStatusCode();
        return id;
    }

    /// <summary>
    /// 20,000 treated and 5,000 holdout decisions at the given treated rate (holdout 1%), as the silos
    /// would report them, and the $20 those sends cost confirmed through a lease today (the agent
    /// gives money only to a campaign whose pace would use it).
    /// </summary>
    private static async Task Measure(IGrainFactory grains, string campaign, double treatedRate, int seed)
    {
        var random = new Random(seed);
        MeasurementTally Arm(MeasurementGroup group, long n, double rate, decimal cost)
        {
            long k = 0;
            for (var i = 0; i < n; i++) if (random.NextDouble() < rate) k++;
            return new MeasurementTally { Group = group, Channel = "email", ActionId = "email", Decisions = n, Sends = cost > 0 ? n : 0, Spend = cost * n, Conversions = k, Revenue = k * 50m, RevenueSquares = k * 2500.0 };
        }
        var grain = grains.GetGrain<ICampaignGrain>(campaign);
        var lease = await grain.AcquireLease("bench", 20m);
        await grain.ReportLeases(new LeaseReport { CampaignId = campaign, Holder = "bench", Sequence = 1, Leases = [new LeaseUsage { LeaseId = lease.LeaseId, Confirmed = lease.Amount, Closing = true }] });
        await grain.ReportTallies(new TallyReport
        {
            CampaignId = campaign, Holder = "bench", Sequence = 1,
            Measurements = [Arm(MeasurementGroup.Treated, 20_000, treatedRate, 0.001m), Arm(MeasurementGroup.CampaignHoldout, 5_000, 0.01, 0)],
        });
    }

    private static HttpClient Client(string baseUrl, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
