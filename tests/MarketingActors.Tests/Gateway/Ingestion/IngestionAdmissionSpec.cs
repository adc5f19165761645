using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using MarketingActors.Gateway.Ingestion;
using MarketingActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MarketingActors.Tests.Gateway.Ingestion;

/// <summary>Its own engine that works on at most two events at once and lets two more wait.</summary>
[Collection(OwnEngineCollection.Name)]
public sealed class IngestionAdmissionSpec : IAsyncLifetime
{
    private EmbeddedEngine _engine = null!;
    private IngestionAdmission Admission => _engine.App.Services.GetRequiredService<IngestionAdmission>();

    public async Task InitializeAsync()
    {
        _engine = new EmbeddedEngine([
            "--MarketingActors:TrackingPlan:MaxBatchEvents=2",
            "--MarketingActors:TrackingPlan:MaxEventsInFlight=2",
            "--MarketingActors:TrackingPlan:MaxEventsWaiting=2",
        ]);
        await _engine.InitializeAsync();
    }

    public Task DisposeAsync() => _engine.DisposeAsync();

    private static string Events(params string[] customers) =>
        "[" + string.Join(",", customers.Select(c => $$"""{"eventId":"{{TestEvents.NewId("adm")}}","customerId":"{{c}}","type":"page_view"}""")) + "]";

    private async Task<HttpStatusCode> CustomerLookup(string customer) => (await _engine.Http.GetAsync($"/v1/customers/{customer}")).StatusCode;

    [Fact]
    public async Task A_request_waits_while_the_engine_is_full_and_one_past_the_wait_is_answered_engine_busy_with_nothing_applied()
    {
        var (waiting, refused) = (TestEvents.NewId("adm-wait"), TestEvents.NewId("adm-refused"));
        var held = await Admission.Acquire(2, CancellationToken.None);
        Assert.True(held.IsAcquired);

        var queued = _engine.PostJson("/v1/events", Events(waiting, waiting));
        await Eventually.Holds(() => Task.FromResult(Admission.Load), load => load.Waiting == 2, because: "the second request waits for room");
        await Eventually.Holds(() => _engine.Http.GetStringAsync("/metrics"),
            metrics => Regex.IsMatch(metrics, @"^ma_ingest_events_waiting(\{[^}]*\})? 2(\.0)?\b", RegexOptions.Multiline) &&
                       Regex.IsMatch(metrics, @"^ma_ingest_events_in_flight(\{[^}]*\})? 2(\.0)?\b", RegexOptions.Multiline),
            because: "operators see what is in flight and what waits");
        var busy = await _engine.PostJson("/v1/events", Events(refused));

        Assert.False(queued.IsCompleted, "a request past the in-flight bound answered before room was made");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        Assert.Equal("1", busy.Headers.GetValues("Retry-After").Single());
        Assert.Equal(IngestionAdmission.Busy, (await _engine.Json(busy)).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.NotFound, await CustomerLookup(refused));

        held.Dispose();
        var admitted = await _engine.Json(await queued);
        Assert.Equal(2, admitted.GetProperty("accepted").GetInt32());
        Assert.Equal(HttpStatusCode.OK, await CustomerLookup(waiting));
    }

    [Fact]
    public async Task Every_answered_request_gives_its_permits_back()
    {
        for (var i = 0; i < 5; i++)
        {
            var response = await _engine.PostJson("/v1/events", Events(TestEvents.NewId("adm-seq"), TestEvents.NewId("adm-seq")));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        // The permits go back once each answer is written, just after the client has it.
        await Eventually.Holds(() => Task.FromResult(Admission.Load), load => load == (0, 0));
        using var all = await Admission.Acquire(2, CancellationToken.None);
        Assert.True(all.IsAcquired);
    }

    [Fact]
    public async Task The_analytics_sdk_routes_are_admitted_the_same_way_whether_the_wait_has_no_room_for_them_or_is_full()
    {
        var customer = TestEvents.NewId("adm-sdk");
        using var held = await Admission.Acquire(2, CancellationToken.None);
        using var stopWaiting = new CancellationTokenSource();
        Message Track() => new("track", "Page Viewed", customer, TestEvents.NewId("m"));

        // One event waits: a batch of two no longer fits beside it (refused once parsed).
        var oneWaiting = Admission.Acquire(1, stopWaiting.Token).AsTask();
        var batch = await _engine.PostJson("/v1/batch", JsonSerializer.Serialize(new { batch = new[] { Track(), Track() } }, JsonSerializerOptions.Web));
        // Two wait: the wait is full, and a single message is refused before its body is read.
        var twoWaiting = Admission.Acquire(1, stopWaiting.Token).AsTask();
        await Eventually.Holds(() => Task.FromResult(Admission.Load), load => load.Waiting == 2);
        var single = await _engine.PostJson("/v1/track", JsonSerializer.Serialize(Track(), JsonSerializerOptions.Web));

        foreach (var response in new[] { batch, single })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(IngestionAdmission.Busy, (await _engine.Json(response)).GetProperty("reason").GetString());
        }
        Assert.Equal(HttpStatusCode.NotFound, await CustomerLookup(customer));
        await stopWaiting.CancelAsync();
        foreach (var waiting in new[] { oneWaiting, twoWaiting }) await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    private sealed record Message(string Type, string Event, string UserId, string MessageId);
}
