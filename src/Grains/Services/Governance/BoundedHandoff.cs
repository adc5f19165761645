using System.Threading.Channels;

namespace MarketingActors.Services.Governance;

/// <summary>
/// Many writers, one reader, and a bound on what waits between them. Writers hand over through a
/// single-reader unbounded channel, whose lock is held for an enqueue only, and an atomic count: a
/// bounded channel also keeps the bound and its waiting writers under its lock, and every customer
/// grain writes here on every decision, which made that lock a tenth of a loaded silo's CPU. (A
/// concurrent queue with a wake-up of its own, taking no lock at all, measured slower on the
/// decided batch: benchmarks-history.md, 2026-12-06.) Past the bound a writer waits, polling, for room.
/// </summary>
public sealed class BoundedHandoff<T>(int capacity)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(1);
    private readonly Channel<T> _items = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>False when full or completed.</summary>
    public bool TryAdd(T item)
    {
        if (Interlocked.Increment(ref _count) <= capacity && _items.Writer.TryWrite(item)) return true;
        Interlocked.Decrement(ref _count);
        return false;
    }

    /// <summary>Waits for room; false once completed (the item was not taken).</summary>
    public async ValueTask<bool> AddAsync(T item, CancellationToken cancellation = default)
    {
        while (!TryAdd(item))
        {
            if (IsCompleted) return false;
            await Task.Delay(Poll, cancellation);
        }
        return true;
    }

    public bool TryTake(out T item)
    {
        if (!_items.Reader.TryRead(out item!)) return false;
        Interlocked.Decrement(ref _count);
        return true;
    }

    public ValueTask<bool> WaitToTakeAsync(CancellationToken cancellation) => _items.Reader.WaitToReadAsync(cancellation);

    private volatile bool _completed;

    public bool IsCompleted => _completed;

    /// <summary>Takes nothing more; what was added can still be taken.</summary>
    public void Complete()
    {
        _completed = true;
        _items.Writer.TryComplete();
    }
}
