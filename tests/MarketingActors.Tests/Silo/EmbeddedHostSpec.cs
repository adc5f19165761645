using MarketingActors.Services.Learning;
using MarketingActors.Silo.Hosting;
using MarketingActors.Storage;
using MarketingActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;

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
        var campaign = TestEvents.NewId("metrics");
        await engine.PostJson("/v1/campaigns", SampleCampaigns.PaidPerView(campaign, total: 10m, cost: 0.01m));
        await engine.Http.PostAsync($"/v1/campaigns/{campaign}/activate", null);

        var live = await anonymous.GetAsync("/health/live");
        var ready = await anonymous.GetAsync("/health/ready");
        // The decision histogram exists once a decision was made: page views until the silo's directory has the campaign.
        var metrics = await Eventually.Holds(async () =>
        {
            await engine.PostJson("/v1/events", $$"""{"eventId":"{{Guid.NewGuid():N}}","customerId":"metrics-probe","type":"page_view"}""");
            return await anonymous.GetStringAsync("/metrics");
        }, m => m.Contains("ma_decision"), because: "a decision is exported in the scrape");

        Assert.Equal(System.Net.HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("ma_events_applied", metrics);
        Assert.Contains("ma_decision", metrics);
    }

    [Fact]
    public void Runs_grain_calls_without_a_trace_filter_when_traces_go_nowhere()
    {
        Assert.Empty(engine.App.Services.GetServices<IIncomingGrainCallFilter>());
        Assert.Empty(engine.App.Services.GetServices<IOutgoingGrainCallFilter>());
    }

    [Fact]
    public void Polls_the_learning_stream_from_one_queue_twice_a_second_so_an_idle_silo_stays_quiet()
    {
        var services = engine.App.Services;

        Assert.Equal(1, services.GetRequiredService<IOptionsMonitor<HashRingStreamQueueMapperOptions>>().Get(LearningStreams.Provider).TotalQueueCount);
        Assert.Equal(TimeSpan.FromMilliseconds(500), services.GetRequiredService<IOptionsMonitor<StreamPullingAgentOptions>>().Get(LearningStreams.Provider).GetQueueMsgsTimerPeriod);
    }

    [Fact]
    public async Task Carries_a_request_trace_through_grain_calls_when_traces_are_exported()
    {
        await using var traced = await SiloComposition.Build(["--urls", "http://127.0.0.1:0", "--OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317"]);

        Assert.Single(traced.Services.GetServices<IIncomingGrainCallFilter>());
        Assert.Single(traced.Services.GetServices<IOutgoingGrainCallFilter>());
    }

    [Theory]
    [InlineData(StorageNames.Customers)]
    [InlineData(StorageNames.Campaigns)]
    [InlineData(StorageNames.Governance)]
    public void Keeps_grain_state_in_memory_with_the_binary_serializer_of_cluster_mode(string storage)
    {
        var options = engine.App.Services.GetRequiredService<IOptionsMonitor<MemoryGrainStorageOptions>>().Get(storage);

        Assert.IsType<OrleansGrainStorageSerializer>(options.GrainStorageSerializer);
    }
}
