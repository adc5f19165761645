using MarketingActors.Storage.Postgres;

namespace MarketingActors.Tests.Grains.Storage.Postgres;

public sealed class BatchingQueueSpec
{
    private sealed record Request(string Name, TaskCompletionSource Done);

    private static Request Named(string name) => new(name, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>A queue whose one loop fails any batch holding "bad", and records every batch it was asked to serve.</summary>
    private static BatchingQueue<Request> Queue(List<string[]> served, List<int> retried, bool retryAlone) =>
        new(loops: 1, maxWeight: 100, _ => 1,
            batch =>
            {
                lock (served) served.Add(batch.Select(r => r.Name).ToArray());
                if (batch.Any(r => r.Name == "bad")) throw new InvalidOperationException("bad request in the batch");
                foreach (var r in batch) r.Done.TrySetResult();
                return Task.CompletedTask;
            },
            (r, e) => r.Done.TrySetException(e),
            retryAlone ? (count, _) => retried.Add(count) : null);

    [Fact]
    public async Task A_failed_write_batch_is_served_again_request_by_request_so_only_the_bad_one_fails()
    {
        var served = new List<string[]>();
        var retried = new List<int>();
        var queue = Queue(served, retried, retryAlone: true);
        var requests = new[] { "ann", "bad", "ben" }.Select(Named).ToArray();
        foreach (var r in requests) queue.TryEnqueue(r);

        queue.Start();
        await Assert.ThrowsAsync<InvalidOperationException>(() => requests[1].Done.Task);
        await Task.WhenAll(requests[0].Done.Task, requests[2].Done.Task);
        await queue.Stop(CancellationToken.None, new OperationCanceledException());

        Assert.Equal([3], retried);
        Assert.Equal([["ann", "bad", "ben"], ["ann"], ["bad"], ["ben"]], served);
    }

    [Fact]
    public async Task Without_retrying_alone_a_failed_batch_fails_every_request_in_it_once()
    {
        var served = new List<string[]>();
        var queue = Queue(served, [], retryAlone: false);
        var requests = new[] { "ann", "bad" }.Select(Named).ToArray();
        foreach (var r in requests) queue.TryEnqueue(r);

        queue.Start();
        foreach (var r in requests) await Assert.ThrowsAsync<InvalidOperationException>(() => r.Done.Task);
        await queue.Stop(CancellationToken.None, new OperationCanceledException());

        Assert.Single(served);
    }
}
