using System.Threading.Channels;

namespace MarketingActors.Storage.Postgres;

/// <summary>
/// Requests from many customer grains queued and served in batches by a fixed number of loops:
/// the shape of the journal's group commit and coalesced tail reads, and of the customer
/// snapshots' reads and writes. A loop takes everything queued (up to a weight) while the others
/// are busy, so the batch grows with the load and the number of database connections stays at
/// the number of loops.
/// </summary>
/// <param name="retryingAlone">
/// For writes: when given, a batch that fails is reported here and served again request by
/// request, so one bad request (a sequence conflict, an oversized key) cannot fail its neighbours.
/// Reads leave it out: a query that failed for one customer failed for all of them.
/// </param>
internal sealed class BatchingQueue<T>(
    int loops, int maxWeight, Func<T, int> weight, Func<List<T>, Task> serve, Action<T, Exception> fail,
    Action<int, Exception>? retryingAlone = null) : IBatchingQueue
{
    private readonly Channel<T> _queue = Channel.CreateUnbounded<T>();
    private readonly CancellationTokenSource _abandon = new();
    private readonly List<Task> _loops = [];

    /// <summary>False once stopping: the caller is told at once instead of waiting for a loop that will not come.</summary>
    public bool TryEnqueue(T item) => _queue.Writer.TryWrite(item);

    public void Start()
    {
        for (var i = 0; i < loops; i++) _loops.Add(Task.Run(Serve, CancellationToken.None));
    }

    /// <summary>
    /// Takes no more requests and serves what is queued. When <paramref name="deadline"/> fires
    /// first, the loops stop taking batches and every request still queued fails with
    /// <paramref name="why"/>; returns how many did.
    /// </summary>
    public async Task<int> Stop(CancellationToken deadline, Exception why)
    {
        _queue.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_loops).WaitAsync(deadline);
            return 0;
        }
        catch (OperationCanceledException)
        {
            await _abandon.CancelAsync();
            var failed = 0;
            while (_queue.Reader.TryRead(out var item))
            {
                fail(item, why);
                failed++;
            }
            return failed;
        }
    }

    private async Task Serve()
    {
        var batch = new List<T>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_abandon.Token))
            {
                batch.Clear();
                var taken = 0;
                while (taken < maxWeight && _queue.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                    taken += weight(item);
                }
                if (batch.Count == 0) continue;
                try
                {
                    await serve(batch);
                }
                catch (Exception e) when (retryingAlone is not null && batch.Count > 1)
                {
                    retryingAlone(batch.Count, e);
                    foreach (var item in batch) await ServeAlone(item);
                }
                catch (Exception e)
                {
                    foreach (var item in batch) fail(item, e);
                }
            }
        }
        catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
        {
            // Abandoned at the shutdown deadline: Stop fails whatever is still queued.
        }
    }

    private async Task ServeAlone(T item)
    {
        try
        {
            await serve([item]);
        }
        catch (Exception e)
        {
            fail(item, e);
        }
    }
}

internal interface IBatchingQueue
{
    void Start();

    Task<int> Stop(CancellationToken deadline, Exception why);
}

/// <summary>The start and stop every batched store shares: all its queues start together and stop in order, within one deadline.</summary>
internal static class BatchingQueues
{
    public static Task Start(params IBatchingQueue[] queues)
    {
        foreach (var queue in queues) queue.Start();
        return Task.CompletedTask;
    }

    /// <summary>Stops each queue in turn; returns how many requests failed at the deadline, per queue in the order given.</summary>
    public static async Task<int[]> Stop(CancellationToken deadline, Func<Exception> why, params IBatchingQueue[] queues)
    {
        var failed = new int[queues.Length];
        for (var i = 0; i < queues.Length; i++) failed[i] = await queues[i].Stop(deadline, why());
        return failed;
    }
}
