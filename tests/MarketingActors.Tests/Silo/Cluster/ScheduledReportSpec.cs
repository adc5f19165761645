using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MarketingActors.Gateway.Endpoints;
using MarketingActors.Storage.Postgres;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Silo.Cluster;

/// <summary>Scheduled lift reports are grain state on the campaigns storage: PostgreSQL in cluster mode.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ScheduledReportSpec(PostgresServer postgres)
{
    private static async Task<JsonElement> Reports(HttpClient http, string campaign) =>
        JsonDocument.Parse(await http.GetStringAsync($"/v1/campaigns/{campaign}/reports")).RootElement.Clone();

    [SkippableFact]
    public async Task Scheduled_reports_are_listed_and_survive_a_restart_of_the_whole_cluster()
    {
        var database = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(database);
        var cluster = "reports-" + Guid.NewGuid().ToString("N")[..6];
        string[] everySecond = ["--MarketingActors:Measurement:ReportEvery=00:00:01", "--MarketingActors:Measurement:ScheduledReportsKept=3"];
        string first;

        await using (var silo = await ClusterSilo.Start(database, cluster, everySecond))
        {
            (await silo.Http.PostAsJsonAsync("/v1/campaigns", SampleCampaigns.PaidPerView("reported", total: 5m, cost: 1m), GatewayJson.Options)).EnsureSuccessStatusCode();
            (await silo.Http.PostAsync("/v1/campaigns/reported/activate", null)).EnsureSuccessStatusCode();
            var listed = await Eventually.Holds(() => Reports(silo.Http, "reported"), r => r.GetArrayLength() == 3,
                TimeSpan.FromSeconds(60), "the report timer fills the kept window and then drops the oldest");
            Assert.All(listed.EnumerateArray(), r => Assert.Equal("scheduled", r.GetProperty("trigger").GetString()));
            first = listed[2].GetProperty("generatedAt").GetString()!;
        }

        await using (var silo = await ClusterSilo.Start(database, cluster, ["--MarketingActors:Measurement:ReportEvery=01:00:00"]))
        {
            // A new activation whose next scheduled report is an hour away: whatever it lists was stored before the restart.
            var listed = await Reports(silo.Http, "reported");
            Assert.Contains(listed.EnumerateArray(), r => r.GetProperty("generatedAt").GetString() == first);
            var latest = JsonDocument.Parse(await silo.Http.GetStringAsync("/v1/campaigns/reported/report?source=scheduled")).RootElement;
            Assert.Equal("scheduled", latest.GetProperty("trigger").GetString());
            Assert.Equal(HttpStatusCode.NotFound, (await silo.Http.GetAsync("/v1/campaigns/never-created/reports")).StatusCode);
        }
    }
}
