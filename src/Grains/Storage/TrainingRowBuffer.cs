using MarketingActors.Learning;
using MarketingActors.Storage.Postgres;
namespace MarketingActors.Storage;

/// <summary>
/// Where labelled rows wait for the next training round: bounded in memory in embedded mode, a
/// PostgreSQL table in cluster mode (<see cref="PostgresTrainingRowBuffer"/>). Used by the one
/// RetrainingGrain activation only, so implementations need no locking.
/// </summary>
public interface ITrainingRowBuffer
{
    int Count { get; }

    /// <summary>Rows added after the last snapshot a training round was marked with.</summary>
    int SinceTraining { get; }

    /// <summary>Loads what an earlier activation left behind.</summary>
    Task Open();

    Task Add(IReadOnlyList<TrainingRow> rows);

    /// <summary>Every buffered row, oldest first; <see cref="MarkTrained"/> refers to the latest snapshot.</summary>
    Task<IReadOnlyList<TrainingRow>> Snapshot();

    /// <summary>The rows of the latest snapshot count as trained on; rows added since still count towards the next round.</summary>
    Task MarkTrained();
}

/// <summary>The latest <c>capacity</c> rows; the oldest fall out first.</summary>
public sealed class BoundedTrainingRowBuffer(int capacity) : ITrainingRowBuffer
{
    private readonly Queue<TrainingRow> _rows = new();
    private long _added, _snapshotThrough, _trainedThrough;

    public int Count => _rows.Count;

    public int SinceTraining => (int)(_added - _trainedThrough);

    public Task Open() => Task.CompletedTask;

    public Task Add(IReadOnlyList<TrainingRow> rows)
    {
        foreach (var row in rows)
        {
            _rows.Enqueue(row);
            _added++;
            if (_rows.Count > capacity) _rows.Dequeue();
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<TrainingRow>> Snapshot()
    {
        _snapshotThrough = _added;
        return Task.FromResult<IReadOnlyList<TrainingRow>>([.. _rows]);
    }

    public Task MarkTrained()
    {
        _trainedThrough = _snapshotThrough;
        return Task.CompletedTask;
    }
}
