using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MarketingActors.Gateway.Endpoints;
using MarketingActors.Governance;
using MarketingActors.Storage.Postgres;
using MarketingActors.Tests.Support;
using Npgsql;

namespace MarketingActors.Tests.Silo.Cluster;

[Collection(PostgresCollection.Name)]
public sealed class GracefulShutdownSpec(PostgresServer postgres)
{
    private static string EventJson(string customer, string id) => $$"""{"eventId":"{{id}}","customerId":"{{customer}}","type":"page_view"}""";

    private static StringContent Event(string customer, string id) => new(EventJson(customer, id), Encoding.UTF8, "application/json");

    [SkippableFact]
    public async Task SIGTERM_while_the_journal_cannot_commit_exits_0_acknowledges_nothing_pending_and_keeps_what_was_acknowledged()
    {
        var database = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(database);
        var cluster = "stop-" + Guid.NewGuid().ToString("N")[..6];
        var logs = Directory.CreateTempSubdirectory("ma-stop-").FullName;
        await using var silo = HostProcess.Start("silo", RepositoryPaths.HostAssembly("Silo", "MarketingActors.Silo"), logs,
            [.. ClusterSilo.Arguments(database, cluster, "--MarketingActors:Silo:ShutdownTimeout=00:00:05")[2..]]);
        await silo.WaitReady(TimeSpan.FromSeconds(180));
        var acknowledged = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var id = $"ack-{i}";
            if ((await silo.Http.PostAsync("/v1/events", Event("early", id))).StatusCode == HttpStatusCode.OK) acknowledged.Add(id);
        }

        await using var blocker = new NpgsqlConnection(database);
        await blocker.OpenAsync();
        await using var tx = await blocker.BeginTransactionAsync();
        // The journal can read but not write: appends queue up behind a commit that cannot finish.
        await new NpgsqlCommand("LOCK TABLE ma_event_journal IN EXCLUSIVE MODE", blocker, tx).ExecuteNonQueryAsync();
        var pending = Enumerable.Range(0, 20).Select(i => Answer(silo.Http, Event($"late-{i}", $"late-{i}"))).ToArray();
        await Eventually.Holds(() => DatabaseRows.JournalCommitsWaitingOnALock(database), n => n > 0, TimeSpan.FromSeconds(60), "a journal commit waits for the lock");

        var exitCode = await silo.Terminate(TimeSpan.FromSeconds(60));
        var answers = await Task.WhenAll(pending);
        await tx.RollbackAsync();

        Assert.True(exitCode == 0, $"exit code {exitCode}: {await File.ReadAllTextAsync(silo.LogFile)}");
        Assert.DoesNotContain((HttpStatusCode?)HttpStatusCode.OK, answers);
        Assert.Equal(5, acknowledged.Count);
        await using var restarted = await ClusterSilo.Start(database, cluster);
        var view = JsonDocument.Parse(await restarted.Http.GetStringAsync("/v1/customers/early")).RootElement;
        Assert.Equal(acknowledged.Count, view.GetProperty("eventCount").GetInt64());
    }

    [SkippableFact]
    public async Task A_graceful_stop_audits_every_answered_decision_though_the_audit_log_was_slow_to_append()
    {
        var database = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(database);
        await using var silo = await ClusterSilo.Start(database, "audit-stop-" + Guid.NewGuid().ToString("N")[..6]);
        (await silo.Http.PostAsJsonAsync("/v1/campaigns", SampleCampaigns.PaidPerView("free", total: 100m, cost: 0m), GatewayJson.Options)).EnsureSuccessStatusCode();
        (await silo.Http.PostAsync("/v1/campaigns/free/activate", null)).EnsureSuccessStatusCode();
        var attempt = 0;
        // Fresh ids on each attempt: the ones before the campaign reached the silo's cache decided nothing.
        var answered = await Eventually.Holds(() => Decisions(silo.Http, "[" + EventJson($"first-{++attempt}", $"e-first-{attempt}") + "]"), n => n == 1,
            because: "the campaign reaches the silo's cache");

        await using var blocker = new NpgsqlConnection(database);
        await blocker.OpenAsync();
        await using var tx = await blocker.BeginTransactionAsync();
        // Appends to the audit log wait behind this lock: the decisions below are answered while their entries are still queued.
        await new NpgsqlCommand("LOCK TABLE ma_audit_segment IN EXCLUSIVE MODE", blocker, tx).ExecuteNonQueryAsync();
        answered += await Decisions(silo.Http, "[" + string.Join(",", Enumerable.Range(0, 200).Select(i => EventJson($"c{i}", $"e{i}"))) + "]");
        var stopping = silo.App.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        await tx.RollbackAsync();
        await stopping;

        Assert.Equal(201, answered);
        Assert.Equal(answered, (await StoredAudit.Entries(database)).Count(e => e.Entry.Kind == AuditKinds.Decision));
    }

    /// <summary>How many decisions the answer to this batch carries.</summary>
    private static async Task<int> Decisions(HttpClient http, string batch)
    {
        var answer = await http.PostAsync("/v1/events", new StringContent(batch, Encoding.UTF8, "application/json"));
        answer.EnsureSuccessStatusCode();
        var results = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("results");
        return results.EnumerateArray().Sum(r => r.TryGetProperty("decisions", out var decisions) ? decisions.GetArrayLength() : 0);
    }

    /// <summary>The status, or null when the connection closed without one (the process went away).</summary>
    private static async Task<HttpStatusCode?> Answer(HttpClient http, HttpContent content)
    {
        try
        {
            return (await http.PostAsync("/v1/events", content)).StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
