using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MarketingActors.Gateway.Endpoints;
using MarketingActors.Governance;
using MarketingActors.Storage.Postgres;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Silo.Cluster;

[Collection(PostgresCollection.Name)]
public sealed class ErasureInClusterSpec(PostgresServer postgres)
{
    [SkippableFact]
    public async Task Erasure_deletes_the_journal_rows_and_unlinks_the_decisions_logged_in_postgres_while_the_chain_verifies()
    {
        var database = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(database);
        await using var silo = await ClusterSilo.Start(database, "erase-" + Guid.NewGuid().ToString("N")[..6]);
        (await silo.Http.PostAsJsonAsync("/v1/campaigns", SampleCampaigns.SpringSale("spring"), GatewayJson.Options)).EnsureSuccessStatusCode();
        (await silo.Http.PostAsync("/v1/campaigns/spring/activate", null)).EnsureSuccessStatusCode();
        var posted = await silo.Http.PostAsync("/v1/events", new StringContent("""
            [{"eventId":"e1","customerId":"erin-x9q","type":"identify","traits":{"consent.email":"true","email":"erin@example.com"}},
             {"eventId":"e2","customerId":"erin-x9q","type":"product_view"}]
            """, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);

        var export = await Eventually.Holds(
            async () => JsonDocument.Parse(await silo.Http.GetStringAsync("/v1/customers/erin-x9q/export")).RootElement.Clone(),
            e => e.GetProperty("auditEntries").GetArrayLength() > 0, because: "the decision reaches the audit table through the batched writer");
        var reference = export.GetProperty("auditEntries")[0].GetProperty("customerRef").GetString()!;
        Assert.Equal(["e1", "e2"], export.GetProperty("journaledEvents").EnumerateArray().Select(e => e.GetProperty("eventId").GetString()));
        Assert.Equal("erin@example.com", export.GetProperty("profile").GetProperty("traits").GetProperty("email").GetString());
        Assert.Equal(2, await DatabaseRows.Count(database, "SELECT count(*) FROM ma_event_journal WHERE customer_id = $1", "erin-x9q"));
        Assert.Contains(await StoredAudit.Entries(database), e => e.Entry.CustomerRef == reference && e.Entry.Kind == AuditKinds.Decision);

        Assert.Equal(HttpStatusCode.NoContent, (await silo.Http.DeleteAsync("/v1/customers/erin-x9q")).StatusCode);

        Assert.Equal(0, await DatabaseRows.Count(database, "SELECT count(*) FROM ma_event_journal WHERE customer_id = $1", "erin-x9q"));
        Assert.DoesNotContain(await StoredAudit.Entries(database), e => e.Entry.Payload.ToString().Contains("erin-x9q", StringComparison.Ordinal));
        var after = JsonDocument.Parse(await silo.Http.GetStringAsync("/v1/customers/erin-x9q/export")).RootElement;
        Assert.Equal(0, after.GetProperty("auditEntries").GetArrayLength());
        Assert.Equal(0, after.GetProperty("journaledEvents").GetArrayLength());
        var verification = JsonDocument.Parse(await silo.Http.GetStringAsync("/v1/audit/verify")).RootElement;
        Assert.True(verification.GetProperty("intact").GetBoolean());
        Assert.Equal((await StoredAudit.Entries(database)).Count, verification.GetProperty("checked").GetInt64());
    }
}
