using MarketingActors.Core.Customers;
namespace MarketingActors.Customers;

/// <summary>Grain-to-grain: an anonymous profile hands its state over to the known customer it is aliased to.</summary>
[Alias("ma.profile-handover")]
public interface IProfileHandover : IGrainWithStringKey
{
    /// <summary>Returns this profile's state and from now on forwards its events to <paramref name="knownCustomerId"/>.</summary>
    [Alias("handover")]
    Task<CustomerState?> HandOver(string knownCustomerId);
}
