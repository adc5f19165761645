using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using MarketingActors.Gateway.Endpoints;
using MarketingActors.Storage.Postgres;
using MarketingActors.Tests.Support;
using Xunit.Abstractions;

namespace MarketingActors.Tests.Silo.Cluster;

/// <summary>
/// Three silo processes and a stand-alone gateway on PostgreSQL; one silo is killed with SIGKILL
/// in the middle of a bounded load. Invariants 1 and 2 must hold afterwards.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SiloFailureSpec(PostgresServer postgres, ITestOutputHelper output)
{
    private const int Customers = 150;
    private const int EventsPerCustomer = 12;
    // Enough for about two thirds of the page views: the budget runs out after the kill, under load.
    private const decimal Envelope = 12.00m;

    /// <summary>How soon after the kill decisions must flow again (membership detects the death, grains move).</summary>
    public static readonly TimeSpan DecisionResumeBound = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task Killing_a_silo_mid_load_loses_no_acknowledged_event_applies_none_twice_and_never_overspends()
    {
        var database = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(database);
        var cluster = "fault-" + Guid.NewGuid().ToString("N")[..6];
        var logs = Directory.CreateTempSubdirectory("ma-fault-").FullName;
        string[] common =
        [
            .. ClusterSilos.Common(database),
            "--MarketingActors:Budget:LeaseTtl=00:00:05",
            "--MarketingActors:Budget:LeaseGrace=00:00:03",
            "--MarketingActors:Budget:ReportInterval=00:00:00.500",
        ];
        var silos = ClusterSilos.Start(3, cluster, logs, common);
        await using var cleanup = new AsyncDisposables(silos);
        await Task.WhenAll(silos.Select(s => s.WaitReady(TimeSpan.FromSeconds(180))));
        var gateway = HostProcess.Start("gateway", RepositoryPaths.HostAssembly("Gateway", "MarketingActors.Gateway"), logs,
        [
            .. common,
            "--MarketingActors:Client:Clustering=AdoNet",
            $"--MarketingActors:Client:ClusterId={cluster}",
            $"--MarketingActors:Client:ServiceId={cluster}",
            "--MarketingActors:Client:Messaging:ResponseTimeout=00:00:05",
        ]);
        cleanup.Add(gateway);
        await gateway.WaitReady(TimeSpan.FromSeconds(180));

        var campaign = SampleCampaigns.PaidPerView("fault", total: Envelope, cost: 0.01m);
        (await gateway.Http.PostAsJsonAsync("/v1/campaigns", campaign, GatewayJson.Options)).EnsureSuccessStatusCode();
        (await gateway.Http.PostAsync("/v1/campaigns/fault/activate", null)).EnsureSuccessStatusCode();

        var acknowledged = new ConcurrentDictionary<string, int>();
        var decisionsAt = new ConcurrentBag<DateTime>();
        var actionsTaken = 0;
        var rounds = Enumerable.Range(0, EventsPerCustomer).ToArray();
        DateTime? killedAt = null;
        var clock = Stopwatch.StartNew();
        foreach (var round in rounds)
        {
            if (round == EventsPerCustomer / 3)
            {
                silos[1].Kill9();
                killedAt = DateTime.UtcNow;
                output.WriteLine($"killed silo2 at {clock.Elapsed}");
            }
            await Parallel.ForEachAsync(Enumerable.Range(0, Customers), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (c, token) =>
            {
                var body = $$"""{"eventId":"e{{c}}-{{round}}","customerId":"cust-{{c}}","type":"page_view"}""";
                var json = await gateway.Http.PostUntilAcknowledged(body);
                acknowledged.AddOrUpdate($"cust-{c}", 1, (_, n) => n + 1);
                var actions = json.GetProperty("results")[0].GetProperty("decisions").EnumerateArray().Count(d => d.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.Object);
                if (actions == 0) return;
                Interlocked.Add(ref actionsTaken, actions);
                decisionsAt.Add(DateTime.UtcNow);
            });
        }
        output.WriteLine($"load done at {clock.Elapsed}");

        // Invariant 1: every acknowledged event is reflected exactly once.
        foreach (var (customer, count) in acknowledged)
        {
            var view = JsonDocument.Parse(await gateway.Http.GetStringAsync($"/v1/customers/{customer}")).RootElement;
            Assert.Equal(count, view.GetProperty("eventCount").GetInt64());
        }
        Assert.Equal(Customers * EventsPerCustomer, acknowledged.Values.Sum());

        // Invariant 2: the actions the engine told clients to take never cost more than the envelope, and once
        // every lease (the dead silo's included) is closed or written off, the ledger is within it too.
        Assert.True(actionsTaken * 0.01m <= Envelope, $"{actionsTaken} actions at 0.01 exceed {Envelope}");
        var budget = await Eventually.Holds(
            async () => JsonDocument.Parse(await gateway.Http.GetStringAsync("/v1/campaigns/fault/state")).RootElement.GetProperty("budget").Clone(),
            b => b.GetProperty("openLeases").GetInt32() == 0, TimeSpan.FromSeconds(30), "leases expire and are closed or written off");
        var committed = budget.GetProperty("spent").GetDecimal() + budget.GetProperty("writtenOff").GetDecimal();
        Assert.True(committed <= Envelope, $"committed {committed} of {Envelope}");
        Assert.True(actionsTaken * 0.01m <= committed, $"every action taken ({actionsTaken}) is accounted for in {committed}");
        output.WriteLine($"actions {actionsTaken}, spent {budget.GetProperty("spent")}, written off {budget.GetProperty("writtenOff")}");

        // Decisions resume within the stated bound after the kill.
        var resumed = decisionsAt.Where(t => t > killedAt).DefaultIfEmpty(DateTime.MaxValue).Min();
        output.WriteLine($"first decision after the kill: {(resumed - killedAt!.Value).TotalSeconds:F1} s");
        Assert.True(resumed - killedAt.Value <= DecisionResumeBound, $"decisions resumed after {(resumed - killedAt.Value).TotalSeconds:F1} s");
    }
}
