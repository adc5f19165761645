using System.Diagnostics;
using MarketingActors.Core.Customers;
using System.Diagnostics.Metrics;

namespace MarketingActors.Telemetry;

/// <summary>
/// The engine's own instruments (meter "MarketingActors"), exported with Orleans' meters over
/// OTLP and Prometheus. Every arrow of the loop is observable: events, decisions, budget, journal, snapshots.
/// </summary>
public sealed class EngineMetrics : IDisposable, ITurnMetrics
{
    public const string MeterName = "MarketingActors";

    private readonly Meter _meter;
    private readonly Counter<long> _eventsApplied;
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _fuseTrips;
    private long _auditCheckpoint;
    private readonly Histogram<double> _decisionLatency;
    private readonly Counter<double> _budgetCommitted;
    private readonly Counter<double> _budgetLeased;
    private readonly Histogram<long> _journalBatch;
    private readonly Histogram<double> _journalCommit;
    private readonly Histogram<double> _journalConnectionWait;
    private readonly Histogram<long> _journalReadBatch;
    private readonly Histogram<long> _snapshotReadBatch;
    private readonly Histogram<long> _snapshotWriteBatch;
    private readonly Histogram<double> _snapshotWrite;
    private readonly Counter<long> _snapshotConflicts;
    private readonly Histogram<double> _snapshotConnectionWait;
    private readonly Counter<long> _deliveryAttempts;
    private readonly Counter<long> _deliveryOutcomes;
    private readonly Histogram<double> _deliveryLatency;

    public EngineMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _eventsApplied = _meter.CreateCounter<long>("ma.events.applied", "{event}", "Events applied by customer grains, by status");
        _decisions = _meter.CreateCounter<long>("ma.decisions", "{decision}", "Decisions made, by outcome (action, no_action)");
        _meter.CreateObservableGauge("ma.audit.checkpoint.sequence", () => Interlocked.Read(ref _auditCheckpoint), "{entry}",
            "Sequence of the latest signed audit checkpoint this silo published: compare with the log to catch a truncation");
        _fuseTrips = _meter.CreateCounter<long>("ma.decisions.fuse_trips", "{trip}", "Journeys stopped by the decision fuse (too many acting decisions per event or per hour)");
        _decisionLatency = _meter.CreateHistogram<double>("ma.decision.duration", "ms", "Time to decide for one campaign step, budget reservation included");
        _budgetCommitted = _meter.CreateCounter<double>("ma.budget.committed", "{currency}", "Budget reserved by decisions on this silo");
        _budgetLeased = _meter.CreateCounter<double>("ma.budget.leased", "{currency}", "Budget leased to this silo by campaign grains");
        _journalBatch = _meter.CreateHistogram<long>("ma.journal.batch.size", "{event}", "Events per journal group commit");
        _journalCommit = _meter.CreateHistogram<double>("ma.journal.commit.duration", "ms", "Duration of one journal group commit, from an open connection to the commit");
        _journalConnectionWait = _meter.CreateHistogram<double>("ma.journal.connection.wait", "ms", "Time the journal waited for a pooled connection");
        _journalReadBatch = _meter.CreateHistogram<long>("ma.journal.read.batch.size", "{customer}", "Customers whose journal tails one query read");
        _snapshotReadBatch = _meter.CreateHistogram<long>("ma.snapshots.read.batch.size", "{customer}", "Activating customers whose snapshots one query read");
        _snapshotWriteBatch = _meter.CreateHistogram<long>("ma.snapshots.write.batch.size", "{snapshot}", "Customer snapshots written or cleared by one group commit (one round trip, one transaction)");
        _snapshotWrite = _meter.CreateHistogram<double>("ma.snapshots.write.duration", "ms", "Duration of one snapshot group commit, from an open connection to the commit");
        _snapshotConflicts = _meter.CreateCounter<long>("ma.snapshots.conflicts", "{snapshot}", "Snapshot writes refused because another activation wrote the customer meanwhile");
        _deliveryAttempts = _meter.CreateCounter<long>("ma.deliveries.attempted", "{attempt}", "Attempts to hand a delivery to its connector, by connector, channel and result (succeeded, failed)");
        _deliveryOutcomes = _meter.CreateCounter<long>("ma.deliveries.final", "{delivery}", "Deliveries settled, by connector, channel and outcome (delivered, dead_lettered, blocked)");
        _deliveryLatency = _meter.CreateHistogram<double>("ma.delivery.duration", "ms", "Time one attempt took at its connector, by connector and channel");
        _snapshotConnectionWait = _meter.CreateHistogram<double>("ma.snapshots.connection.wait", "ms", "Time customer snapshot reads and writes waited for a pooled connection");
    }

    public void EventApplied(string status) => _eventsApplied.Add(1, new KeyValuePair<string, object?>("status", status));

    public void FuseTripped() => _fuseTrips.Add(1);

    public void AuditCheckpointed(long sequence) => Interlocked.Exchange(ref _auditCheckpoint, sequence);

    public void Decided(bool acted, TimeSpan took)
    {
        _decisions.Add(1, new KeyValuePair<string, object?>("outcome", acted ? "action" : "no_action"));
        _decisionLatency.Record(took.TotalMilliseconds);
    }

    public void BudgetCommitted(decimal amount) => _budgetCommitted.Add((double)amount);

    public void BudgetLeased(decimal amount) => _budgetLeased.Add((double)amount);

    public void JournalCommitted(int events, TimeSpan took)
    {
        _journalBatch.Record(events);
        _journalCommit.Record(took.TotalMilliseconds);
    }

    public void JournalConnectionWaited(TimeSpan took) => _journalConnectionWait.Record(took.TotalMilliseconds);

    public void JournalTailsRead(int customers) => _journalReadBatch.Record(customers);

    public void SnapshotsRead(int customers) => _snapshotReadBatch.Record(customers);

    public void SnapshotsWritten(int snapshots, TimeSpan took)
    {
        _snapshotWriteBatch.Record(snapshots);
        _snapshotWrite.Record(took.TotalMilliseconds);
    }

    public void SnapshotConflicted() => _snapshotConflicts.Add(1);

    public void SnapshotConnectionWaited(TimeSpan took) => _snapshotConnectionWait.Record(took.TotalMilliseconds);

    public void DeliveryAttempted(string connector, string channel, bool succeeded, TimeSpan took)
    {
        var tags = new TagList { { "connector", connector }, { "channel", channel }, { "result", succeeded ? "succeeded" : "failed" } };
        _deliveryAttempts.Add(1, tags);
        _deliveryLatency.Record(took.TotalMilliseconds, new KeyValuePair<string, object?>("connector", connector), new KeyValuePair<string, object?>("channel", channel));
    }

    public void DeliverySettled(string connector, string channel, string outcome) =>
        _deliveryOutcomes.Add(1, new TagList { { "connector", connector }, { "channel", channel }, { "outcome", outcome } });

    public void Dispose() => _meter.Dispose();
}
