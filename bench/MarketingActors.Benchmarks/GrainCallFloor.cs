using BenchmarkDotNet.Attributes;
using MarketingActors.Campaigns;
using MarketingActors.Customers;
using MarketingActors.Events;
using MarketingActors.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace MarketingActors.Benchmarks;

/// <summary>
/// What one event costs inside the embedded silo without HTTP: a batch of 500 warm customers,
/// each called once concurrently, as the gateway's batch dispatch does. `PingCustomers` is the
/// Orleans call floor (a method that only reads state); `IngestProductView` is the real ingest of
/// one product_view with its decision (the campaign of bench/http); `IngestNewCustomers` the same for
/// customers activated by that call. All three report per customer call.
/// The gap between them is the grain's work; the gap to bench/http's batch figure is HTTP + JSON.
/// dotnet run -c Release --project bench/MarketingActors.Benchmarks -- --filter '*GrainCallFloor*' --inProcess
/// </summary>
[Config(typeof(ShortRunConfig)), MemoryDiagnoser]
public class GrainCallFloor
{
    private const int Customers = 500;
    private WebApplication _engine = null!;
    private ICustomerGrain[] _customers = null!;
    private long _events;
    private long _newCustomers;

    /// <summary>bench/http's campaign: the fixture's without its frequency cap and segments (which the API would refuse or bench/http lacks).</summary>
    private static readonly CampaignDefinition HttpBenchCampaign = Fixtures.Campaign() with { Status = CampaignStatus.Draft, Guardrails = new Guardrails(), Segments = null };

    [GlobalSetup]
    public void Start() => StartAsync().GetAwaiter().GetResult();

    private async Task StartAsync()
    {
        _engine = await SiloComposition.Build(
        [
            "--urls", "http://127.0.0.1:0",
            $"--MarketingActors:Silo:SiloPort={FreePort()}", $"--MarketingActors:Silo:GatewayPort={FreePort()}",
            "--Logging:LogLevel:Default=Warning",
            // Every iteration's product view must be decided: its customers act far past the fuse meant for real ones.
            "--MarketingActors:Customers:MaxJourneyActsPerHour=100000",
        ]);
        await _engine.StartAsync();
        var grains = _engine.Services.GetRequiredService<IGrainFactory>();
        var campaign = grains.GetGrain<ICampaignGrain>(Fixtures.Campaign().Id);
        foreach (var step in new[] { () => campaign.Create(HttpBenchCampaign), () => campaign.ChangeStatus(CampaignStatus.Active) })
        {
            if (await step() is { ErrorReason: { } refused } result) throw new InvalidOperationException($"{refused}: {string.Join("; ", result.Errors)}");
        }
        _customers = [.. Enumerable.Range(0, Customers).Select(i => grains.GetGrain<ICustomerGrain>($"floor-{i:D4}"))];
        await EnsureDecided("a warm-up");
    }

    /// <summary>A floor that measured events without decisions would flatter the engine: checked before and after the iterations.</summary>
    private async Task EnsureDecided(string when)
    {
        var results = await IngestEach(_customers);
        if (results.Select(r => r.Single()).FirstOrDefault(r => r.Decisions is not [{ Action: not null }]) is { } undecided)
            throw new InvalidOperationException($"{when} product_view did not yield a decision: {System.Text.Json.JsonSerializer.Serialize(undecided)}");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GlobalCleanup]
    public void Stop()
    {
        EnsureDecided("the last").GetAwaiter().GetResult();
        _engine.StopAsync().GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = Customers)]
    public Task PingCustomers() => Task.WhenAll(_customers.Select(c => c.GetAuditReference()));

    [Benchmark(OperationsPerInvoke = Customers)]
    public Task IngestProductView() => IngestEach(_customers);

    /// <summary>The same ingest for 500 customers never seen before: each call activates a customer (bench/http's 100k pool is mostly this).</summary>
    [Benchmark(OperationsPerInvoke = Customers)]
    public Task IngestNewCustomers()
    {
        var grains = _engine.Services.GetRequiredService<IGrainFactory>();
        return IngestEach([.. Enumerable.Range(0, Customers).Select(_ => grains.GetGrain<ICustomerGrain>($"new-{Interlocked.Increment(ref _newCustomers)}"))]);
    }

    private Task<EventResult[][]> IngestEach(ICustomerGrain[] customers)
    {
        var at = DateTimeOffset.UtcNow;
        return Task.WhenAll(customers.Select(c =>
        {
            var id = c.GetPrimaryKeyString();
            return c.Ingest([Fixtures.ProductView($"floor-{Interlocked.Increment(ref _events)}", id, at)]);
        }));
    }
}
