using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MarketingActors.Campaigns;
using MarketingActors.Measurement;
using MarketingActors.Silo.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;

namespace MarketingActors.Benchmarks;

/// <summary>
/// Insight to execution for agents (issue 17), on a fresh embedded engine over loopback HTTP:
/// per round two new campaigns, and the moment their holdout measurement shows a clear ROI
/// difference (the tallies land in the campaign grains) the clock starts; it stops when the change
/// is executed (or queued for approval). Built-in: the budget agent's look (POST …/run; its
/// schedule adds up to its interval on top). MCP: a scripted agent (no model: what the engine
/// costs an agent, not the model's thinking time) that connects, reads both reports and calls
/// shift_budget. Every round is printed, then the median and range.
///
///   dotnet run -c Release --project bench/MarketingActors.Benchmarks -- agent-latency 10
/// </summary>
public static class AgentLatency
{
    // A well-known key for this throwaway engine only (loopback, in memory, gone when the run ends).
    private const string AdminKey = "ma_cb43f357df1f_khSbXoy22IcGhKCQXOPGZES9j2CJao710PuaTycMgUk";

    public static async Task Run(int rounds)
    {
        var app = await SiloComposition.Build(["--urls", "http://127.0.0.1:0", $"--MarketingActors:Silo:SiloPort={FreePort()}", $"--MarketingActors:Silo:GatewayPort={FreePort()}",
            $"--MarketingActors:Security:BootstrapAdminKey={AdminKey}", "--MarketingActors:Anomalies:Enabled=false", "--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync();
        var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        using var admin = Client(baseUrl, AdminKey);
        var agentKey = (await (await admin.PostAsJsonAsync("/v1/keys", new { principalId = "bench-mcp-agent", role = "agent" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        var builtIn = new List<double>();
        var mcp = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var (mode, timings) in new[] { ("builtin", builtIn), ("mcp", mcp) })
            {
                var strong = await Campaign(admin, $"{mode}-strong-{round}");
                var weak = await Campaign(admin, $"{mode}-weak-{round}");
                var principal = mode == "builtin" ? "budget-agent" : "bench-mcp-agent";
                (await admin.PutAsJsonAsync($"/v1/agents/{principal}/policy", new { allowedOperations = new[] { "read_performance", "shift_budget" }, campaigns = new[] { strong, weak }, maxBudgetChangePerDay = 1000 })).EnsureSuccessStatusCode();
                if (mode == "builtin")
                    (await admin.PutAsJsonAsync($"/v1/budget-agent/g{round}", new { campaigns = new[] { strong, weak }, enabled = true, every = "01:00:00" })).EnsureSuccessStatusCode();
                var started = Stopwatch.GetTimestamp();
                await Measure(grains, strong, 0.03, round);
                await Measure(grains, weak, 0.011, round + 1000);
                var outcome = mode == "builtin" ? await BuiltIn(admin, round) : await ScriptedMcpAgent(baseUrl, agentKey, strong, weak);
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                timings.Add(ms);
                Console.WriteLine($"round {round} {mode,-8} {outcome,-10} {ms,8:F1} ms");
            }
        }
        foreach (var (mode, timings) in new[] { ("built-in budget agent (look)", builtIn), ("MCP agent (connect, 2 reports, shift_budget)", mcp) })
        {
            var sorted = timings.Order().ToList();
            Console.WriteLine($"{mode}: median {sorted[sorted.Count / 2]:F1} ms, range {sorted[0]:F1}-{sorted[^1]:F1} ms over {sorted.Count} rounds");
        }
        await app.StopAsync();
    }

    private static async Task<string> BuiltIn(HttpClient admin, int round)
    {
        var run = await (await admin.PostAsync($"/v1/budget-agent/g{round}/run", null)).Content.ReadFromJsonAsync<JsonElement>();
        return run.GetProperty("outcome").GetString()!;
    }

    private static async Task<string> ScriptedMcpAgent(string baseUrl, string key, string a, string b)
    {
        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(baseUrl + "/mcp"), TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + key },
        }));
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

    /// <summary>20,000 treated and 5,000 holdout decisions at the given treated rate (holdout 1%), as the silos would report them.</summary>
    private static Task Measure(IGrainFactory grains, string campaign, double treatedRate, int seed)
    {
        var random = new Random(seed);
        MeasurementTally Arm(MeasurementGroup group, long n, double rate, decimal cost)
        {
            long k = 0;
            for (var i = 0; i < n; i++) if (random.NextDouble() < rate) k++;
            return new MeasurementTally { Group = group, Channel = "email", ActionId = "email", Decisions = n, Sends = cost > 0 ? n : 0, Spend = cost * n, Conversions = k, Revenue = k * 50m, RevenueSquares = k * 2500.0 };
        }
        return grains.GetGrain<ICampaignGrain>(campaign).ReportTallies(new TallyReport
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

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
