using System.Collections.Concurrent;
using MarketingActors.Campaigns;
using MarketingActors.Core.Content;
using MarketingActors.Core.Customers;
using MarketingActors.Core.Delivery;
using MarketingActors.Delivery;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MarketingActors.Services.Delivery;

/// <summary>
/// The per-silo copy of the connector registry, and the delivery side of every customer turn:
/// whether the engine delivers a channel, the compiled content of an action (compiled once per
/// campaign version here, as it compiled when the campaign was written), and the signed
/// unsubscribe link. The registry pushes changes; <see cref="GrainSubscription"/> re-pulls.
/// </summary>
public sealed class ConnectorDirectory(IGrainFactory grains, IOptions<DeliveryOptions> options, ILogger<ConnectorDirectory> logger)
    : GrainSubscription(logger), IConnectorObserver, IDeliveryDesk
{
    private const int MaxCompiled = 10_000;
    private volatile ConnectorSet _set = new();
    private readonly ConcurrentDictionary<(string CampaignId, long Version, string ActionId), CompiledContent> _compiled = new();
    private IConnectorObserver? _reference;
    private string? _publicBaseUrl = options.Value.PublicBaseUrl?.TrimEnd('/');

    public ConnectorSet Set => _set;

    public ConnectorSettings? For(string channel) => _set.Channels.GetValueOrDefault(channel);

    /// <summary>The host tells the engine its own address when none was configured (embedded mode: the gateway's first URL).</summary>
    public void UsePublicAddress(string baseUrl) => _publicBaseUrl ??= baseUrl.TrimEnd('/');

    public bool Delivers(string channel) => _set.Channels.ContainsKey(channel);

    public CompiledContent CompiledFor(CampaignDefinition campaign, ActionOption action)
    {
        if (_compiled.Count > MaxCompiled) _compiled.Clear();
        return _compiled.GetOrAdd((campaign.Id, campaign.Version, action.Id), _ => ActionTemplates.Compile(action.Content ?? new ActionContent()));
    }

    public string? UnsubscribeUrl(string customerId, string channel, string decisionId) =>
        _publicBaseUrl is null || _set.LinkKey.Length == 0 ? null
            : $"{_publicBaseUrl}/v1/unsubscribe/{UnsubscribeLinks.Token(_set.LinkKey, new(customerId, channel, decisionId))}";

    public async ValueTask EnsureLoaded()
    {
        if (_set.Version >= 0) return;
        Apply(await grains.GetGrain<IConnectorRegistryGrain>(0).GetSet());
    }

    public Task OnConnectorsChanged(ConnectorSet set)
    {
        Apply(set);
        return Task.CompletedTask;
    }

    protected override bool Loaded => _set.Version >= 0;

    protected override string Describe => $"connectors version {_set.Version}";

    protected override async Task Resubscribe()
    {
        var registry = grains.GetGrain<IConnectorRegistryGrain>(0);
        _reference ??= grains.CreateObjectReference<IConnectorObserver>(this);
        await registry.Subscribe(_reference);
        Apply(await registry.GetSet());
    }

    private void Apply(ConnectorSet set)
    {
        while (true)
        {
            var current = _set;
            if (set.Version <= current.Version) return;
            if (Interlocked.CompareExchange(ref _set, set, current) == current) return;
        }
    }
}
