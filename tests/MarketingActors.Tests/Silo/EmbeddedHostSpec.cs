using Microsoft.Extensions.Logging;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Silo;

[Collection(EmbeddedEngineCollection.Name)]
public sealed class EmbeddedHostSpec(EmbeddedEngine engine)
{
    [Fact]
    public void Says_loudly_at_start_up_that_data_is_not_durable()
    {
        Assert.Contains(engine.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("NOT durable"));
    }

    [Fact]
    public async Task Serves_probes_and_a_Prometheus_scrape_without_an_API_key()
    {
        using var anonymous = new HttpClient { BaseAddress = engine.Http.BaseAddress };
        await engine.PostJson("/v1/events", $$"""{"eventId":"{{Guid.NewGuid():N}}","customerId":"metrics-probe","type":"page_view"}""");

        var live = await anonymous.GetAsync("/health/live");
        var ready = await anonymous.GetAsync("/health/ready");
        var metrics = await anonymous.GetStringAsync("/metrics");

        Assert.Equal(System.Net.HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("ma_events_applied", metrics);
        Assert.Contains("ma_decision", metrics);
    }
}
