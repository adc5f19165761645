using System.Net;
using System.Text;
using System.Text.Json;
using MarketingActors.Storage.Postgres;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Silo.Cluster;

/// <summary>Runs its own PostgreSQL, because it takes it down.</summary>
public sealed class DatabaseOutageSpec : IAsyncLifetime
{
    private readonly PostgresServer _postgres = new();

    public Task InitializeAsync() => _postgres.InitializeAsync();

    public Task DisposeAsync() => _postgres.DisposeAsync();

    private static StringContent Event(string id) =>
        new($$"""{"eventId":"{{id}}","customerId":"carol-{{id}}","type":"page_view"}""", Encoding.UTF8, "application/json");

    [SkippableFact]
    public async Task Ingestion_answers_503_with_Retry_After_while_PostgreSQL_is_down_and_recovers_by_itself()
    {
        var database = await _postgres.CreateDatabase();
        await ClusterDatabase.Migrate(database);
        await using var silo = await ClusterSilo.Start(database, "outage-" + Guid.NewGuid().ToString("N")[..6]);
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.PostAsync("/v1/events", Event("before"))).StatusCode);

        await _postgres.Stop();
        var during = await silo.Http.PostAsync("/v1/events", Event("during"));
        var reason = JsonDocument.Parse(await during.Content.ReadAsStringAsync()).RootElement.GetProperty("reason").GetString();
        await _postgres.Start();
        var after = await Eventually.Holds(async () => (await silo.Http.PostAsync("/v1/events", Event("during"))).StatusCode,
            status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "ingestion recovers once PostgreSQL is back");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.True(during.Headers.RetryAfter is not null, "503 carries Retry-After");
        Assert.Equal("engine_unavailable", reason);
        Assert.Equal(1, JsonDocument.Parse(await silo.Http.GetStringAsync("/v1/customers/carol-during")).RootElement.GetProperty("eventCount").GetInt64());
    }
}
