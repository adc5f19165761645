using MarketingActors.Core.Delivery;
using MarketingActors.Delivery;

namespace MarketingActors.Services.Delivery.Connectors;

/// <summary>One way out of the engine (a connector type). Reports what happened; never throws for the receiver's failures.</summary>
public interface IChannelConnector
{
    /// <summary>The <see cref="ConnectorTypes"/> value it serves.</summary>
    string Type { get; }

    /// <param name="cancellation">Cancelled at the connector's timeout.</param>
    Task<SendOutcome> Send(DeliveryOrder order, ConnectorSettings settings, CancellationToken cancellation);
}
