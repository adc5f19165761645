using MarketingActors.Services.Governance;

namespace MarketingActors.Tests.Grains.Services.Governance;

/// <summary>The decision audit's queue: many writers without a lock, never more waiting than its bound, a full queue makes writers wait.</summary>
public class BoundedHandoffSpec
{
    [Fact]
    public void Writers_are_refused_past_the_bound_until_the_reader_takes()
    {
        var queue = new BoundedHandoff<int>(3);
        Assert.True(queue.TryAdd(1) && queue.TryAdd(2) && queue.TryAdd(3));
        Assert.False(queue.TryAdd(4));

        Assert.True(queue.TryTake(out var first));
        Assert.Equal(1, first);
        Assert.True(queue.TryAdd(4));
        Assert.Equal(3, queue.Count);
    }

    [Fact]
    public async Task Concurrent_writers_never_put_more_than_the_bound_in_and_lose_nothing_they_were_told_was_taken()
    {
        var queue = new BoundedHandoff<int>(100);
        var accepted = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 1_000; i++)
            {
                if (queue.TryAdd(w * 1_000 + i)) Interlocked.Increment(ref accepted);
            }
        })));

        Assert.Equal(100, accepted);
        var taken = new List<int>();
        while (queue.TryTake(out var item)) taken.Add(item);
        Assert.Equal(100, taken.Distinct().Count());
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task A_writer_facing_a_full_queue_waits_for_room_and_one_facing_a_completed_queue_is_told()
    {
        var queue = new BoundedHandoff<int>(1);
        Assert.True(queue.TryAdd(1));
        var waiting = queue.AddAsync(2).AsTask();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        Assert.True(queue.TryTake(out _));
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(queue.TryTake(out var second));
        Assert.Equal(2, second);

        queue.Complete();
        Assert.False(queue.TryAdd(3));
        Assert.False(await queue.AddAsync(3));
    }
}
