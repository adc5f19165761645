using MarketingActors.Customers;
using MarketingActors.Events;
using Orleans.Metadata;

namespace MarketingActors.Gateway.Endpoints;

/// <summary>
/// Customer grain references for the ingestion path. <c>GetGrain&lt;ICustomerGrain&gt;(id)</c>
/// derives the interface's Orleans name by reflection (custom attributes, type-name formatting) on
/// every call, and a batch makes one call per customer; the name never changes, so it is derived
/// once and each reference is built from the customer's grain id.
/// </summary>
public sealed class CustomerGrainReferences(IGrainFactory grains, GrainInterfaceTypeResolver interfaces, GrainInterfaceTypeToGrainTypeResolver types)
{
    private readonly GrainInterfaceType _interface = interfaces.GetGrainInterfaceType(typeof(ICustomerGrain));

    public ICustomerGrain Of(string customerId) =>
        types.TryGetGrainType(_interface, out var type)
            ? (ICustomerGrain)grains.GetGrain(GrainId.Create(type, customerId), _interface)
            // No silo has announced the customer grain yet: Orleans' own path resolves it when called.
            : grains.GetGrain<ICustomerGrain>(customerId);

    /// <summary>One customer's events to its grain: the call every ingestion path makes.</summary>
    public Task<EventResult[]> Ingest(string customerId, MarketingEvent[] events) => Of(customerId).Ingest(events);
}
