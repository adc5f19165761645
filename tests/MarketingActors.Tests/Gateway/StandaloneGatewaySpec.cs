using System.Net;
using System.Text;
using MarketingActors.Gateway;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Gateway;

/// <summary>The gateway as its own process: an Orleans client chosen by configuration alone.</summary>
[Collection(EmbeddedEngineCollection.Name)]
public sealed class StandaloneGatewaySpec(EmbeddedEngine engine)
{
    [Fact]
    public async Task Serves_the_same_API_as_an_Orleans_client_of_the_silo()
    {
        await using var gateway = GatewayProgram.Build([
            "--urls", "http://127.0.0.1:0",
            $"--MarketingActors:Client:SiloGatewayPort={engine.OrleansGatewayPort}",
        ]);
        await gateway.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(EmbeddedEngine.BaseAddressOf(gateway)) };
        http.DefaultRequestHeaders.Authorization = engine.Http.DefaultRequestHeaders.Authorization;
        var customer = TestEvents.NewId("via-gateway");

        var posted = await http.PostAsync("/v1/events", new StringContent(
            $$"""{"eventId":"g1","customerId":"{{customer}}","type":"page_view"}""", Encoding.UTF8, "application/json"));
        var viaSilo = await engine.Json(await engine.Http.GetAsync($"/v1/customers/{customer}"));

        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal(1, viaSilo.GetProperty("eventCount").GetInt64());
        await gateway.StopAsync();
    }
}
