using MarketingActors.Customers;
using MarketingActors.Gateway.Endpoints;
using MarketingActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace MarketingActors.Tests.Gateway.Endpoints;

[Collection(EmbeddedEngineCollection.Name)]
public sealed class CustomerGrainReferencesSpec(EmbeddedEngine engine)
{
    [Fact]
    public async Task A_reference_built_from_the_cached_grain_type_reaches_the_same_customer_as_GetGrain()
    {
        var customer = TestEvents.NewId("grain-ref");
        var references = engine.App.Services.GetRequiredService<CustomerGrainReferences>();
        var grains = engine.App.Services.GetRequiredService<IGrainFactory>();

        var reference = references.Of(customer);

        Assert.Equal(grains.GetGrain<ICustomerGrain>(customer).GetGrainId(), reference.GetGrainId());
        await reference.Ingest([TestEvents.Of(customer, "page_view")]);
        Assert.Equal(1, (await grains.GetGrain<ICustomerGrain>(customer).GetView()).EventCount);
    }
}
