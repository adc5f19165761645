using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using MarketingActors.Campaigns;
using MarketingActors.Delivery;
using MarketingActors.Gateway.Endpoints;
using MarketingActors.Storage.Postgres;
using MarketingActors.Tests.Support;
using Xunit.Abstractions;

namespace MarketingActors.Tests.Silo.Cluster;

/// <summary>
/// Two silo processes on PostgreSQL deliver through a slow, rate-limited webhook; one is killed
/// with SIGKILL while its outbox still holds deliveries. The survivor takes them over once their
/// claims run out: every decision the engine said it delivers arrives at least once, and every
/// arrival of one decision carries the same payload.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DeliveryFailoverSpec(PostgresServer postgres, ITestOutputHelper output)
{
    private const int Customers = 40;
    private const int EventsPerCustomer = 3;

    [SkippableFact]
    public async Task Killing_a_silo_with_deliveries_in_flight_loses_none_and_the_receiver_sees_one_payload_per_decision()
    {
        var database = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(database);
        var cluster = "deliver-" + Guid.NewGuid().ToString("N")[..6];
        var logs = Directory.CreateTempSubdirectory("ma-deliver-").FullName;
        await using var receiver = await WebhookReceiver.Start();
        var silos = ClusterSilos.Start(2, cluster, logs,
            [.. ClusterSilos.Common(database), "--MarketingActors:Delivery:ClaimFor=00:00:03", "--MarketingActors:Delivery:PollInterval=00:00:00.250"]);
        await using var cleanup = new AsyncDisposables(silos);
        await Task.WhenAll(silos.Select(s => s.WaitReady(TimeSpan.FromSeconds(180))));
        var http = silos[0].Http;

        // Five a second per silo: the outboxes hold most of the decisions when the kill comes.
        (await http.PutAsJsonAsync("/v1/connectors/push", new ConnectorSettings { Type = "webhook", Url = receiver.Url, Secret = WebhookReceiver.Secret, RatePerSecond = 5 }, GatewayJson.Options)).EnsureSuccessStatusCode();
        var campaign = new CampaignDefinition
        {
            Id = "failover", Name = "Failover",
            Actions = [new ActionOption { Id = "push", Channel = "push", Variant = "v", Cost = 0m, Content = new ActionContent { Title = "For {{ customer.id }}", Body = "{{ decision.id }}" } }],
            Journey = new JourneyDefinition { EntryTrigger = "page_view", AllowReentry = true, Steps = [new JourneyStep { Id = "send", Kind = StepKind.Action }] },
            Budget = new BudgetEnvelope { Total = 10m, Currency = "USD" },
        };
        (await http.PostAsJsonAsync("/v1/campaigns", campaign, GatewayJson.Options)).EnsureSuccessStatusCode();
        (await http.PostAsync("/v1/campaigns/failover/activate", null)).EnsureSuccessStatusCode();
        // Both silos learn the connector (pushed, or pulled on their refresh) before the load.
        await Task.Delay(TimeSpan.FromSeconds(2));

        var promised = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Customers), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (c, _) =>
        {
            var now = DateTimeOffset.UtcNow.ToString("O");
            var identify = $$$"""{"eventId":"id-{{{c}}}","customerId":"cust-{{{c}}}","type":"identify","timestamp":"{{{now}}}","traits":{"push_token":"tok-{{{c}}}","consent.push":"true"}}""";
            await silos[c % 2].Http.PostUntilAcknowledged(identify);
            for (var e = 0; e < EventsPerCustomer; e++)
            {
                var answer = await silos[c % 2].Http.PostUntilAcknowledged($$"""{"eventId":"pv-{{c}}-{{e}}","customerId":"cust-{{c}}","type":"page_view"}""");
                foreach (var d in answer.GetProperty("results")[0].GetProperty("decisions").EnumerateArray())
                    if (d.TryGetProperty("deliveredBy", out var by) && by.GetString() == "engine") promised.Add(d.GetProperty("decisionId").GetString()!);
            }
        });
        var before = receiver.Accepted.Select(a => a.Id).Distinct().Count();
        silos[1].Kill9();
        output.WriteLine($"{promised.Count} deliveries promised; {before} received when silo2 was killed");
        Assert.True(promised.Count >= Customers * EventsPerCustomer * 9 / 10, $"only {promised.Count} decisions were the engine's to deliver");
        Assert.True(before < promised.Count, "deliveries were still in flight at the kill");

        var received = await Eventually.Holds(() => Task.FromResult(receiver.Accepted.Select(a => a.Id).ToHashSet()),
            ids => promised.All(ids.Contains), TimeSpan.FromSeconds(120), "every promised delivery arrives after the kill");

        Assert.All(receiver.Calls, call => Assert.True(call.Verified, $"signature of {call.Id}"));
        foreach (var group in receiver.Calls.GroupBy(c => c.Id))
            Assert.Single(group.Select(c => Data(c.Body)).Distinct());
        output.WriteLine($"received {received.Count} decisions in {receiver.Calls.Count} calls");
        var sample = JsonDocument.Parse(await http.GetStringAsync($"/v1/deliveries?decisionId={promised.First()}")).RootElement;
        Assert.Equal("delivered", sample.GetProperty("status").GetString());
    }

    /// <summary>The payload without the envelope's timestamp, which is that of each attempt.</summary>
    private static string Data(string body) => JsonDocument.Parse(body).RootElement.GetProperty("data").GetRawText();
}
