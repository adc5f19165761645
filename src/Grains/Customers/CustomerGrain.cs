using MarketingActors.Campaigns;
using MarketingActors.Core.Customers;
using MarketingActors.Core.Measurement;
using MarketingActors.Decisions;
using MarketingActors.Delivery;
using MarketingActors.Events;
using MarketingActors.Services.Customers;
using MarketingActors.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace MarketingActors.Customers;

/// <summary>
/// One customer, as orchestration: receive a batch → journal what is new (durable before
/// anything is applied or answered) → the customer's <see cref="CustomerTurn"/> applies each event
/// → snapshot on its cadence and keep one wake-up reminder → answer. What happens to the customer
/// is the turn's; what the grain adds is Orleans: the journal and snapshots, the reminder, the
/// forwarding of a merged profile, erasure. On activation it restores its last snapshot and
/// replays the journal after it.
/// The grain reads and writes its snapshot in the customers' grain storage itself, holding the
/// state, its version and whether it exists (<see cref="IGrainState{T}"/>), rather than through an
/// Orleans persistent-state facet: the facet, its lifecycle hook and its migration hand-over cost
/// ≈ 0.3 KB on each of a million live customers, and the journal already carries a customer across
/// a restart or a move.
/// </summary>
public sealed class CustomerGrain(
    [FromKeyedServices(StorageNames.Customers)] IGrainStorage snapshots,
    CustomerTurnServices services,
    IEventJournal journal,
    IOptions<CustomerOptions> options,
    IOptions<MeasurementOptions> measurement,
    TimeProvider clock) : Grain, ICustomerGrain, IProfileHandover, IRemindable, ICustomerStateSource, IGrainState<CustomerState>
{
    private const string SnapshotName = "customer";
    private const string WakeReminder = "wake";
    private static readonly TimeSpan MinimumWakeDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxWakeDelay = TimeSpan.FromDays(30);
    /// <summary>
    /// Each tick re-arms the wake-up for the next due time, so the period only matters when a tick
    /// was missed (no silo was running when it fell due): then it fires within this period.
    /// </summary>
    private static readonly TimeSpan WakeRetryPeriod = TimeSpan.FromMinutes(1);

    /// <summary>Wake-ups further away than this are registered with the next snapshot instead of on the event that moved them.</summary>
    public static readonly TimeSpan UrgentWake = TimeSpan.FromHours(1);

    private readonly CustomerOptions _options = options.Value;
    private int _unsavedEvents;
    private DateTimeOffset _lastSave;
    private CustomerTurn? _turn;

    private CustomerState _state = new();
    private string? _snapshotVersion;
    private bool _snapshotExists;

    private CustomerState S => _state;
    /// <summary>Decoded once: Orleans builds a new string from the grain id on every GetPrimaryKeyString.</summary>
    private string Id => _id ??= this.GetPrimaryKeyString();
    private string? _id;
    private CustomerTurn Turn => _turn ??= new CustomerTurn(Id, this, services.Ports, _options, measurement.Value, clock);

    CustomerState ICustomerStateSource.State => _state;
    // A storage with no snapshot of this customer gives a new state; a null from one is a new customer too.
    CustomerState? IGrainState<CustomerState>.State { get => _state; set => _state = value ?? new(); }
    string? IGrainState<CustomerState>.ETag { get => _snapshotVersion; set => _snapshotVersion = value; }
    bool IGrainState<CustomerState>.RecordExists { get => _snapshotExists; set => _snapshotExists = value; }

    private Task WriteSnapshot() => snapshots.WriteStateAsync(SnapshotName, this.GetGrainId(), this);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await snapshots.ReadStateAsync(SnapshotName, this.GetGrainId(), this);
        _lastSave = clock.GetUtcNow();
        if (!journal.IsDurable || S.MergedInto is not null) return;
        foreach (var entry in await journal.ReadAfter(Id, S.JournalSequence))
        {
            S.JournalSequence = entry.Sequence;
            if (Turn.Replay(entry.Event)) _unsavedEvents++;
        }
    }

    public async Task<EventResult[]> Ingest(MarketingEvent[] events)
    {
        if (S.MergedInto is { } target) return await GrainFactory.GetGrain<ICustomerGrain>(target).Ingest(events);
        await services.EnsureLoaded();
        var unseen = Turn.Unseen(events);
        var fresh = new List<JournalEntry>(unseen.Count);
        foreach (var e in unseen) fresh.Add(new JournalEntry(S.JournalSequence + fresh.Count + 1, e));
        // Durable before anything is applied or answered: a failure here changes nothing and the caller may retry.
        Turn.AlreadyRecorded(await journal.Append(Id, fresh));
        if (fresh.Count > 0) S.JournalSequence = fresh[^1].Sequence;
        var results = new EventResult[events.Length];
        for (var i = 0; i < events.Length; i++)
        {
            results[i] = await Turn.Apply(events[i]);
            if (results[i].Status == EventStatus.Accepted) _unsavedEvents++;
        }
        Turn.CountAudiences();
        await HandOverDeliveries();
        await AfterChange();
        return results;
    }

    public Task<CustomerView> GetView() => Task.FromResult(CustomerViews.Of(Id, S, Turn.ScoreNow()));

    public async Task<Decision?> NextBestAction(string placement)
    {
        if (S.MergedInto is { } target) return await GrainFactory.GetGrain<ICustomerGrain>(target).NextBestAction(placement);
        await services.EnsureLoaded();
        var best = await Turn.NextBestAction(placement);
        await HandOverDeliveries();
        await AfterChange();
        return best;
    }

    public Task<string?> GetAuditReference() => Task.FromResult(S.AuditRef);

    public async Task<string?> Erase()
    {
        var forgotten = S.AuditRef;
        foreach (var merged in S.MergedFrom) await GrainFactory.GetGrain<ICustomerGrain>(merged).Erase();
        Turn.LeaveAudiences();
        if (await this.GetReminder(WakeReminder) is { } wake) await this.UnregisterReminder(wake);
        // The journal first: a failure after it leaves state that a retried erasure clears, never history that replays it back.
        await journal.Erase(Id);
        await services.Deliveries.Forget(Id);
        await snapshots.ClearStateAsync(SnapshotName, this.GetGrainId(), this);
        _state = new CustomerState();
        _unsavedEvents = 0;
        DeactivateOnIdle();
        return forgotten;
    }

    public async Task<MarketingEvent[]> GetJournaledEvents() => [.. (await journal.ReadAfter(Id, 0)).Select(e => e.Event)];

    public async Task<string[]> CheckDelivery(string campaignId, string actionId, string decisionId)
    {
        if (S.MergedInto is { } target) return await GrainFactory.GetGrain<ICustomerGrain>(target).CheckDelivery(campaignId, actionId, decisionId);
        await services.EnsureLoaded();
        var refusals = await Turn.CheckDelivery(campaignId, actionId, decisionId);
        // A retry that reserved its budget again changed the decision record: that is state to keep (NeedsSnapshot saves it).
        if (Turn.NeedsSnapshot) _unsavedEvents++;
        await AfterChange();
        return [.. refusals];
    }

    public async Task<AudienceProbe> ProbeAudience(AudienceRule rule, string? channel)
    {
        // A merged anonymous profile is counted as the customer it became.
        if (S.MergedInto is not null) return AudienceProbe.Unknown;
        await services.EnsureLoaded();
        return Turn.ProbeAudience(rule, channel);
    }

    public async Task<RenderedMessage> Preview(CampaignDefinition campaign, string actionId)
    {
        if (S.MergedInto is { } target) return await GrainFactory.GetGrain<ICustomerGrain>(target).Preview(campaign, actionId);
        var action = campaign.Actions.FirstOrDefault(a => a.Id == actionId) ?? throw new ArgumentException($"no action '{actionId}'", nameof(actionId));
        return Turn.Preview(campaign, action);
    }

    /// <summary>
    /// The deliveries this call decided go to the outbox before the call answers, so a decision the
    /// caller hears the engine will deliver is durable (cluster mode) even if this silo dies next.
    /// If the outbox cannot take them the call fails (the caller retries its events, which are
    /// duplicates by then) and the orders stay owed, handed over with the next call.
    /// </summary>
    private async Task HandOverDeliveries()
    {
        var orders = Turn.TakeOrders();
        if (orders.Count == 0) return;
        try
        {
            await services.Deliveries.Submit(orders);
        }
        catch
        {
            Turn.StillOwed(orders);
            throw;
        }
    }

    public async Task<CustomerState?> HandOver(string knownCustomerId)
    {
        if (S.MergedInto is not null || S.Profile.EventCount == 0 && S.Journeys.Count == 0)
        {
            S.MergedInto ??= knownCustomerId;
            await WriteSnapshot();
            return null;
        }
        var handed = S;
        Turn.LeaveAudiences();
        // The journal position stays, so a later activation does not replay the handed-over history.
        _state = new CustomerState { MergedInto = knownCustomerId, JournalSequence = handed.JournalSequence };
        await WriteSnapshot();
        return handed;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != WakeReminder) return;
        S.WakeRegisteredFor = null;
        if (S.MergedInto is null)
        {
            await services.EnsureLoaded();
            await Turn.Wake();
            await HandOverDeliveries();
        }
        _unsavedEvents++;
        await AfterChange(forceSave: true);
        if (S.WakeRegisteredFor is null && await this.GetReminder(WakeReminder) is { } idle) await this.UnregisterReminder(idle);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Embedded mode keeps nothing past the process: a snapshot or a wake-up written while it stops
        // would only race the in-memory storage and reminder grains stopping beside this one.
        if (reason.ReasonCode == DeactivationReasonCode.ShuttingDown && !journal.IsDurable) return;
        await ScheduleWake(deferrable: false);
        if (_unsavedEvents > 0) await WriteSnapshot();
    }

    private async Task AfterChange(bool forceSave = false)
    {
        var now = clock.GetUtcNow();
        var save = _unsavedEvents > 0 && (journal.IsDurable || _options.SnapshotWithoutJournal) &&
            (forceSave || Turn.NeedsSnapshot || _unsavedEvents >= _options.SnapshotEveryEvents || now - _lastSave >= _options.SnapshotInterval);
        await ScheduleWake(deferrable: !save);
        if (save)
        {
            await WriteSnapshot();
            Turn.NeedsSnapshot = false;
            _unsavedEvents = 0;
            _lastSave = now;
        }
    }

    /// <summary>
    /// One durable reminder per customer, set to the earliest journey wait or cold-lead check. A
    /// distant wake-up (the 14-day cold-lead check of a new customer) rides along with the next
    /// snapshot or the deactivation instead of costing a reminder write on the event itself.
    /// </summary>
    private async Task ScheduleWake(bool deferrable)
    {
        var due = Turn.NextWake();
        // A wake registered earlier than needed just fires, finds nothing due and re-arms: so most
        // events (which only push the cold-lead check later) cost no reminder write at all.
        if (due is null || S.WakeRegisteredFor is { } registered && due >= registered) return;
        var now = clock.GetUtcNow();
        var delay = due.Value - now;
        if (deferrable && delay > UrgentWake) return;
        // Orleans takes a due time of at most ~49 days; a later wake-up fires early, finds nothing due and re-arms.
        if (delay > MaxWakeDelay)
        {
            delay = MaxWakeDelay;
            due = now + delay;
        }
        await this.RegisterOrUpdateReminder(WakeReminder, delay > MinimumWakeDelay ? delay : MinimumWakeDelay, WakeRetryPeriod);
        S.WakeRegisteredFor = due;
    }
}
