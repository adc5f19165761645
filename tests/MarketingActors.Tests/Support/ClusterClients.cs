using System.Text;
using System.Text.Json;

namespace MarketingActors.Tests.Support;

/// <summary>How the cluster specs talk to silos that fail over under them.</summary>
public static class ClusterClients
{
    /// <summary>A client that retries until the engine acknowledges: the same event id makes each retry idempotent.</summary>
    public static async Task<JsonElement> PostUntilAcknowledged(this HttpClient http, string body)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var response = await http.PostAsync("/v1/events", new StringContent(body, Encoding.UTF8, "application/json"));
                var text = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode) return JsonDocument.Parse(text).RootElement.Clone();
                Assert.True((int)response.StatusCode == 503, $"only 503 may signal a retry, got {(int)response.StatusCode}: {text}");
            }
            catch (TaskCanceledException) when (attempt < 20)
            {
            }
            Assert.True(attempt < 60, "the event was never acknowledged");
            await Task.Delay(250);
        }
    }
}

/// <summary>Silo processes of one cluster on PostgreSQL, on loopback, with fast failure detection (a killed silo is noticed in about two seconds).</summary>
public static class ClusterSilos
{
    /// <summary>What every process of a cluster spec shares: the database, no API keys (access control has its own specs), the audit key.</summary>
    public static string[] Common(string database) =>
    [
        $"--ConnectionStrings:Postgres={database}",
        "--MarketingActors:Security:RequireApiKeys=false",
        $"--MarketingActors:Governance:AuditKey={ClusterFixture.TestSettings["MarketingActors:Governance:AuditKey"]}",
    ];

    public static List<HostProcess> Start(int count, string cluster, string logs, IEnumerable<string> settings) =>
        [.. Enumerable.Range(1, count).Select(i => HostProcess.Start($"silo{i}", RepositoryPaths.HostAssembly("Silo", "MarketingActors.Silo"), logs,
        [
            .. settings,
            "--MarketingActors:Silo:Mode=Cluster",
            $"--MarketingActors:Silo:ClusterId={cluster}",
            $"--MarketingActors:Silo:ServiceId={cluster}",
            $"--MarketingActors:Silo:SiloPort={EmbeddedEngine.FreePort()}",
            $"--MarketingActors:Silo:GatewayPort={EmbeddedEngine.FreePort()}",
            "--MarketingActors:Silo:Membership:ProbeTimeout=00:00:01",
            "--MarketingActors:Silo:Membership:NumMissedProbesLimit=2",
            "--MarketingActors:Silo:Messaging:ResponseTimeout=00:00:05",
        ]))];
}

/// <summary>Processes and receivers a cluster spec started, disposed together however the spec ends.</summary>
public sealed class AsyncDisposables(IEnumerable<IAsyncDisposable> items) : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _items = [.. items];

    public void Add(IAsyncDisposable item) => _items.Add(item);

    public async ValueTask DisposeAsync()
    {
        foreach (var item in _items) await item.DisposeAsync();
    }
}
