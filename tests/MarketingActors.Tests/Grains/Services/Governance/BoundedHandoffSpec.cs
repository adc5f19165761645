using MarketingActors.Services.Governance;

namespace MarketingActors.Tests.Grains.Services.Governance;

/// <summary>The decision audit's queue: many writers, never more waiting than its bound, a full queue makes writers wait, the reader woken by the next write, nothing accepted lost at completion.</summary>
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

    [Fact]
    public async Task A_waiting_reader_wakes_on_the_next_write_and_is_told_when_completed_with_nothing_left()
    {
        var queue = new BoundedHandoff<int>(10);
        var waiting = queue.WaitToTakeAsync(CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        Assert.True(queue.TryAdd(7));
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(queue.TryTake(out var item));
        Assert.Equal(7, item);

        var last = queue.WaitToTakeAsync(CancellationToken.None).AsTask();
        queue.Complete();
        Assert.False(await last.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_reader_that_waits_between_batches_misses_no_write_of_many_writers()
    {
        var queue = new BoundedHandoff<int>(64);
        var received = new List<int>();
        var reader = Task.Run(async () =>
        {
            while (await queue.WaitToTakeAsync(CancellationToken.None))
            {
                while (queue.TryTake(out var item)) received.Add(item);
            }
        });
        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 5_000; i++) Assert.True(await queue.AddAsync(w * 5_000 + i));
        })));
        queue.Complete();
        await reader.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(Enumerable.Range(0, 20_000), received.Order());
    }

    [Fact]
    public async Task Every_item_a_writer_was_told_was_taken_is_there_for_the_drain_after_completion()
    {
        for (var round = 0; round < 20; round++)
        {
            var queue = new BoundedHandoff<int>(1_000_000);
            var accepted = new System.Collections.Concurrent.ConcurrentBag<int>();
            var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
            {
                for (var i = 0; i < 20_000; i++)
                {
                    if (queue.TryAdd(w * 20_000 + i)) accepted.Add(w * 20_000 + i);
                }
            })).ToArray();
            await Task.Delay(1);
            queue.Complete();
            var drained = new HashSet<int>();
            while (queue.TryTake(out var item)) drained.Add(item);
            await Task.WhenAll(writers);

            Assert.DoesNotContain(accepted, a => !drained.Contains(a));
            Assert.False(queue.TryTake(out _));
        }
    }
}
