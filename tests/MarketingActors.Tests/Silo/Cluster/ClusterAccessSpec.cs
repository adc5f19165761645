using System.Net;
using System.Net.Http.Headers;
using System.Net.NetworkInformation;
using System.Text;
using System.Text.Json;
using MarketingActors.Governance;
using MarketingActors.Storage.Postgres;
using MarketingActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MarketingActors.Tests.Silo.Cluster;

/// <summary>Keys and event ids across a real two-silo cluster on PostgreSQL, each silo with its own gateway and key cache.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterAccessSpec(PostgresServer postgres)
{
    private const string AdminKey = "ma_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    private static HttpClient With(HttpClient silo, string key)
    {
        var client = new HttpClient { BaseAddress = silo.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<(ClusterSilo A, ClusterSilo B)> TwoSilos(params string[] extra)
    {
        var database = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(database);
        var cluster = "access-" + Guid.NewGuid().ToString("N")[..6];
        string[] keyed = ["--MarketingActors:Security:RequireApiKeys=true", $"--MarketingActors:Security:BootstrapAdminKey={AdminKey}", .. extra];
        var a = await ClusterSilo.Start(database, cluster, keyed);
        var b = await ClusterSilo.Start(database, cluster, keyed);
        return (a, b);
    }

    [SkippableFact]
    public async Task A_revoked_key_is_refused_on_the_next_request_at_every_gateway()
    {
        var (a, b) = await TwoSilos();
        await using var _ = a;
        await using var __ = b;
        using var adminA = With(a.Http, AdminKey);
        var created = JsonDocument.Parse(await (await adminA.PostAsync("/v1/keys", Json("""{"principalId":"leaver","role":"reader"}"""))).Content.ReadAsStringAsync()).RootElement;
        var token = created.GetProperty("token").GetString()!;
        using var onA = With(a.Http, token);
        using var onB = With(b.Http, token);
        // Both gateways have authenticated (and cached) the key.
        Assert.Equal(HttpStatusCode.OK, (await onA.GetAsync("/v1/campaigns")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/v1/campaigns")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/v1/campaigns")).StatusCode);
        // Past a lease since the registry activated, the revocation is answered without waiting: only its push can reach silo B in time.
        await Task.Delay(KeyRevocation.Lease);

        Assert.Equal(HttpStatusCode.OK, (await adminA.DeleteAsync($"/v1/keys/{created.GetProperty("keyId").GetString()}")).StatusCode);

        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_api_key"), await onB.GetAsync("/v1/campaigns").Outcome());
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_api_key"), await onA.GetAsync("/v1/campaigns").Outcome());
    }

    [SkippableFact]
    public async Task A_key_revoked_while_its_request_is_in_flight_cannot_mint_another()
    {
        var (a, b) = await TwoSilos();
        await using var _ = a;
        await using var __ = b;
        using var adminA = With(a.Http, AdminKey);
        var second = JsonDocument.Parse(await (await adminA.PostAsync("/v1/keys", Json("""{"principalId":"second-admin","role":"admin"}"""))).Content.ReadAsStringAsync()).RootElement;
        using var secondAdmin = With(b.Http, second.GetProperty("token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await secondAdmin.GetAsync("/v1/keys")).StatusCode);

        // The registry itself refuses a write on behalf of a revoked key, whatever a gateway let through.
        var registry = a.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IPrincipalRegistryGrain>(0);
        var principal = (await registry.Authenticate(second.GetProperty("token").GetString()!))!;
        Assert.Equal(HttpStatusCode.OK, (await adminA.DeleteAsync($"/v1/keys/{second.GetProperty("keyId").GetString()}")).StatusCode);
        var minted = await registry.CreateKey(principal, new KeyRequest { PrincipalId = "backdoor", Role = Roles.Admin });

        Assert.Equal("actor_revoked", minted.ErrorReason);
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_api_key"), await secondAdmin.PostAsync("/v1/keys", Json("""{"principalId":"backdoor","role":"admin"}""")).Outcome());
        Assert.DoesNotContain("backdoor", await adminA.GetStringAsync("/v1/keys"));
    }

    [SkippableFact]
    public async Task An_event_resent_long_after_the_customer_forgot_its_id_is_applied_once()
    {
        var database = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(database);
        await using var silo = await ClusterSilo.Start(database, "dedup-" + Guid.NewGuid().ToString("N")[..6], "--MarketingActors:Customers:DedupWindow=16");
        string Event(string id) => $$"""{"eventId":"{{id}}","customerId":"bea","type":"page_view"}""";

        Assert.Equal(HttpStatusCode.OK, (await silo.Http.PostAsync("/v1/events", Json(Event("first")))).StatusCode);
        var later = "[" + string.Join(',', Enumerable.Range(0, 40).Select(i => Event($"later-{i}"))) + "]";
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.PostAsync("/v1/events", Json(later))).StatusCode);
        var resent = JsonDocument.Parse(await (await silo.Http.PostAsync("/v1/events", Json($"[{Event("first")},{Event("new-one")}]"))).Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(("duplicate", "accepted"), (resent.GetProperty("results")[0].GetProperty("status").GetString(), resent.GetProperty("results")[1].GetProperty("status").GetString()));
        Assert.Equal(1L, await DatabaseRows.Count(database, "SELECT count(*) FROM ma_event_journal WHERE customer_id = 'bea' AND event_id = 'first'"));
        Assert.Equal(42L, JsonDocument.Parse(await silo.Http.GetStringAsync("/v1/customers/bea")).RootElement.GetProperty("eventCount").GetInt64());
        // Resent again it is a duplicate straight from the customer's memory.
        var again = JsonDocument.Parse(await (await silo.Http.PostAsync("/v1/events", Json(Event("first")))).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(1, again.GetProperty("duplicates").GetInt32());
    }

    [SkippableFact]
    public async Task Orleans_ports_listen_on_the_advertised_address_not_every_interface()
    {
        var database = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(database);
        var siloPort = EmbeddedEngine.FreePort();
        await using var silo = await ClusterSilo.Start(database, "listen-" + Guid.NewGuid().ToString("N")[..6],
            "--MarketingActors:Silo:AdvertisedAddress=127.0.0.1", $"--MarketingActors:Silo:SiloPort={siloPort}");

        var listeners = IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners().Where(l => l.Port == siloPort).ToList();
        Assert.NotEmpty(listeners);
        Assert.All(listeners, l => Assert.Equal(IPAddress.Loopback, l.Address));
    }
}
