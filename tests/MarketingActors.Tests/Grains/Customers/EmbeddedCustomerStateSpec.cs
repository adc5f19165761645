using MarketingActors.Core.Customers;
using MarketingActors.Customers;
using MarketingActors.Storage;
using MarketingActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace MarketingActors.Tests.Grains.Customers;

/// <summary>
/// Embedded mode has no journal to replay, so a customer's memory is its state until it
/// deactivates: nothing is written while it is active, everything when it goes, and a later
/// activation picks up where it left off.
/// </summary>
[Collection(OwnEngineCollection.Name)]
public sealed class EmbeddedCustomerStateSpec : IAsyncLifetime
{
    private EmbeddedEngine _engine = null!;

    public async Task InitializeAsync()
    {
        _engine = new EmbeddedEngine(["--MarketingActors:Customers:SnapshotWithoutJournal=false"]);
        await _engine.InitializeAsync();
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private async Task<GrainState<CustomerState>> Stored(string customer)
    {
        var stored = new GrainState<CustomerState>();
        await _engine.App.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Customers).ReadStateAsync("customer", GrainId.Create("customer", customer), stored);
        return stored;
    }

    [Fact]
    public async Task A_customer_is_written_when_it_deactivates_not_on_every_event_and_comes_back_whole()
    {
        var grains = _engine.App.Services.GetRequiredService<IGrainFactory>();
        var id = TestEvents.NewId("mem");
        var customer = grains.GetGrain<ICustomerGrain>(id);
        for (var i = 0; i < 3; i++) await customer.Ingest([TestEvents.Of(id, "page_view")]);

        Assert.False((await Stored(id)).RecordExists);

        await grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var written = await Eventually.Holds(() => Stored(id), s => s.RecordExists, because: "the deactivation writes the state");

        Assert.Equal(3, written.State!.Profile.EventCount);
        Assert.Equal(3, (await customer.GetView()).EventCount);
    }
}
