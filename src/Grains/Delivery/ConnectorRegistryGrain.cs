using System.Security.Cryptography;
using MarketingActors.Core.Delivery;
using MarketingActors.Core.Governance;
using MarketingActors.Governance;
using MarketingActors.Services;
using MarketingActors.Storage;
using Microsoft.Extensions.Logging;

namespace MarketingActors.Delivery;

/// <summary>
/// The cluster's connectors, one per channel: validate → store → audit (without secrets) → push
/// the new set to every silo's outbox. The set with secrets only ever travels to silos.
/// </summary>
public sealed class ConnectorRegistryGrain(
    [PersistentState("connectors", StorageNames.Governance)] IPersistentState<ConnectorRegistryState> state,
    TimeProvider clock,
    ILogger<ConnectorRegistryGrain> logger) : Grain, IConnectorRegistryGrain
{
    public const string Operation = "put_connector";
    public const string RemoveOperation = "remove_connector";
    private static readonly TimeSpan NotifyTimeout = TimeSpan.FromSeconds(2);
    private readonly GrainObservers<IConnectorObserver> _observers = new(clock, NotifyTimeout);

    private ConnectorRegistryState S => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.LinkKey.Length > 0) return;
        S.LinkKey = RandomNumberGenerator.GetBytes(32);
        await state.WriteStateAsync(cancellationToken);
    }

    public async Task<AccessResult<ConnectorView>> Put(Principal actor, string channel, ConnectorSettings settings)
    {
        var stored = S.Channels.GetValueOrDefault(channel);
        var errors = ConnectorRules.Validate(channel, settings, stored);
        if (errors.Count > 0)
        {
            await Audit(AuditDrafts.Refusal(actor, Operation, null, "invalid_connector", errors) with { SubjectId = channel });
            return AccessResult.Refused<ConnectorView>("invalid_connector", [.. errors]);
        }
        var before = S.Views.GetValueOrDefault(channel);
        S.Version++;
        S.Channels[channel] = ConnectorRules.Merge(settings, stored);
        var view = ConnectorView.Of(channel, S.Channels[channel], S.Version, clock.GetUtcNow(), actor.Id);
        S.Views[channel] = view;
        await state.WriteStateAsync();
        await Audit(AuditDrafts.Change(actor, Operation, null, before, view, subjectId: channel));
        await Notify();
        return AccessResult.Ok(view);
    }

    public async Task<AccessResult<ConnectorView>> Remove(Principal actor, string channel)
    {
        if (!S.Views.TryGetValue(channel, out var before)) return AccessResult.Refused<ConnectorView>("connector_not_found", $"no connector for channel '{channel}'");
        S.Version++;
        S.Channels.Remove(channel);
        S.Views.Remove(channel);
        await state.WriteStateAsync();
        await Audit(AuditDrafts.Change(actor, RemoveOperation, null, before, null, subjectId: channel));
        await Notify();
        return AccessResult.Ok(before);
    }

    public Task<ConnectorView?> Get(string channel) => Task.FromResult(S.Views.GetValueOrDefault(channel));

    public Task<ConnectorView[]> List() => Task.FromResult(S.Views.Values.OrderBy(v => v.Channel, StringComparer.Ordinal).ToArray());

    public Task<ConnectorSet> GetSet() => Task.FromResult(Set());

    public Task Subscribe(IConnectorObserver observer)
    {
        _observers.Subscribe(observer);
        return Task.CompletedTask;
    }

    private ConnectorSet Set() => new() { Version = S.Version, Channels = new(S.Channels), LinkKey = S.LinkKey };

    private Task Audit(AuditEntry entry) => GrainFactory.GetGrain<IAuditLogGrain>(0).Append([entry]);

    /// <summary>Pushes to each silo; one that does not answer is dropped and catches up when it re-subscribes.</summary>
    private Task Notify()
    {
        var set = Set();
        return _observers.Push(observer => observer.OnConnectorsChanged(set),
            e => logger.LogInformation("Connector observer did not take version {Version} ({Error}); it re-pulls on its next refresh", set.Version, e.Message));
    }
}
