using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MarketingActors.Gateway.Endpoints;
using MarketingActors.Storage.Postgres;
using MarketingActors.Tests.Support;
using Npgsql;

namespace MarketingActors.Tests.Silo.Cluster;

[Collection(PostgresCollection.Name)]
public sealed class ClusterRestartSpec(PostgresServer postgres)
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Batch(string customer, IEnumerable<string> ids) =>
        "[" + string.Join(",", ids.Select(id => $$"""{"eventId":"{{id}}","customerId":"{{customer}}","type":"page_view"}""")) + "]";

    private static async Task<long> EventCount(HttpClient http, string customer) =>
        JsonDocument.Parse(await http.GetStringAsync($"/v1/customers/{customer}")).RootElement.GetProperty("eventCount").GetInt64();

    /// <summary>Customer state lives in the engine's snapshot table, not in Orleans' generic storage.</summary>
    private static Task<long> SnapshotRows(string database, string customer) =>
        DatabaseRows.Count(database, "SELECT count(*) FROM ma_customer_snapshots WHERE customer_id = $1", customer);

    [SkippableFact]
    public async Task A_restart_of_the_whole_cluster_loses_nothing_acknowledged_and_applies_resent_events_once()
    {
        var database = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(database);
        var cluster = "restart-" + Guid.NewGuid().ToString("N")[..6];
        var campaign = SampleCampaigns.PaidPerView("durable", total: 5m, cost: 1m);
        var first = Enumerable.Range(0, 40).Select(i => $"a{i}").ToArray();

        await using (var silo = await ClusterSilo.Start(database, cluster))
        {
            Assert.Equal(HttpStatusCode.Created, (await silo.Http.PostAsJsonAsync("/v1/campaigns", campaign, GatewayJson.Options)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await silo.Http.PostAsync("/v1/campaigns/durable/activate", null)).StatusCode);
            var posted = await silo.Http.PostAsync("/v1/events", Json(Batch("alice", first)));
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }
        Assert.Equal(1L, await SnapshotRows(database, "alice"));

        await using (var silo = await ClusterSilo.Start(database, cluster))
        {
            var resent = await silo.Http.PostAsync("/v1/events", Json(Batch("alice", first.Take(10).Append("b0"))));
            var body = JsonDocument.Parse(await resent.Content.ReadAsStringAsync()).RootElement;

            Assert.Equal(10, body.GetProperty("duplicates").GetInt32());
            Assert.Equal(1, body.GetProperty("accepted").GetInt32());
            Assert.Equal(41, await EventCount(silo.Http, "alice"));
            var state = JsonDocument.Parse(await silo.Http.GetStringAsync("/v1/campaigns/durable/state")).RootElement;
            Assert.Equal("active", state.GetProperty("status").GetString());
            var budget = state.GetProperty("budget");
            Assert.True(budget.GetProperty("spent").GetDecimal() + budget.GetProperty("reserved").GetDecimal() + budget.GetProperty("writtenOff").GetDecimal() <= 5m);
        }
    }

    [SkippableFact]
    public async Task A_customer_whose_snapshot_is_behind_is_rebuilt_from_the_journal()
    {
        var database = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(database);
        // Acknowledged events that never reached a snapshot: exactly what a silo killed right after the ack leaves behind.
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            for (var i = 1; i <= 3; i++)
            {
                var e = TestEvents.Of("bob", i == 3 ? "purchase" : "page_view", value: i == 3 ? 42m : null, eventId: $"j{i}");
                await using var insert = new NpgsqlCommand("INSERT INTO ma_event_journal (customer_id, sequence, event_id, payload) VALUES ('bob', $1, $2, $3)", connection);
                insert.Parameters.AddWithValue((long)i);
                insert.Parameters.AddWithValue(e.EventId);
                insert.Parameters.AddWithValue(JsonSerializer.SerializeToUtf8Bytes(e));
                await insert.ExecuteNonQueryAsync();
            }
        }

        await using var silo = await ClusterSilo.Start(database, "replay-" + Guid.NewGuid().ToString("N")[..6]);
        var view = JsonDocument.Parse(await silo.Http.GetStringAsync("/v1/customers/bob")).RootElement;
        var again = await silo.Http.PostAsync("/v1/events", Json("""{"eventId":"j2","customerId":"bob","type":"page_view"}"""));

        Assert.Equal(3, view.GetProperty("eventCount").GetInt64());
        Assert.Equal(42m, view.GetProperty("monetaryValue").GetDecimal());
        Assert.Equal(1, JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement.GetProperty("duplicates").GetInt32());
    }

    [SkippableFact]
    public async Task A_pending_wake_up_survives_a_restart_of_the_whole_cluster()
    {
        var database = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(database);
        var cluster = "wake-" + Guid.NewGuid().ToString("N")[..6];
        string[] fastReminders = ["--MarketingActors:Silo:MinimumReminderPeriod=00:00:01"];

        await using (var silo = await ClusterSilo.Start(database, cluster, fastReminders))
        {
            (await silo.Http.PostAsJsonAsync("/v1/campaigns", SampleCampaigns.WinBack("winback"), GatewayJson.Options)).EnsureSuccessStatusCode();
            (await silo.Http.PostAsync("/v1/campaigns/winback/activate", null)).EnsureSuccessStatusCode();
            var engaged = await silo.Http.PostAsync("/v1/events", Json("""
                [{"eventId":"w1","customerId":"dora","type":"identify","traits":{"consent.push":"true"}},
                 {"eventId":"w2","customerId":"dora","type":"page_view"}]
                """));
            Assert.Equal(HttpStatusCode.OK, engaged.StatusCode);
        }

        // The cold-lead check (2 s after the page view) falls due while no silo runs; the reminder is in PostgreSQL.
        await Task.Delay(TimeSpan.FromSeconds(3));
        await using (var silo = await ClusterSilo.Start(database, cluster, fastReminders))
        {
            var view = await Eventually.Holds(
                async () => JsonDocument.Parse(await silo.Http.GetStringAsync("/v1/customers/dora")).RootElement.Clone(),
                v => v.GetProperty("firedTriggers").EnumerateArray().Any(t => t.GetString() == "cold_lead"),
                TimeSpan.FromSeconds(90), "the restarted cluster fires the reminder registered before the restart");
            Assert.Contains(view.GetProperty("recentDecisions").EnumerateArray(), d => d.GetProperty("campaignId").GetString() == "winback");
        }
    }
}
