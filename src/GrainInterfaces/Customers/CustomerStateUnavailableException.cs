namespace MarketingActors.Customers;

/// <summary>
/// A customer's snapshot could not be read or written (PostgreSQL unreachable, the silo shutting
/// down). An <see cref="OrleansException"/>, so the gateway answers 503 with Retry-After like any
/// other unavailability; events already journaled stay, and a retry is deduplicated by event id.
/// </summary>
[GenerateSerializer, Alias("ma.customer-state-unavailable")]
public sealed class CustomerStateUnavailableException : OrleansException
{
    public CustomerStateUnavailableException() { }

    public CustomerStateUnavailableException(string message) : base(message) { }

    public CustomerStateUnavailableException(string message, Exception inner) : base(message, inner) { }
}
