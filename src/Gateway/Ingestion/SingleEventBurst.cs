using System.Threading.Channels;
using MarketingActors.Events;
using MarketingActors.Gateway.Endpoints;

namespace MarketingActors.Gateway.Ingestion;

/// <summary>
/// Sends the single-event requests waiting at one moment to their customers' grains back to back,
/// from one loop, instead of each request making its own grain call between its parsing and its
/// answer: a run of grain calls costs less a call than calls interleaved with the rest of each
/// request's work (13–18% less server CPU a decided single event, alternated runs in
/// docs/benchmarks-history.md, 2026-12-06 ninth session). Each request still gets its own grain's
/// answer or failure; a request that finds the loop stopped calls its grain itself.
/// </summary>
public sealed class SingleEventBurst : IDisposable
{
    private readonly Channel<Pending> _waiting = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CustomerGrainReferences _customers;

    public SingleEventBurst(CustomerGrainReferences customers)
    {
        _customers = customers;
        _ = Task.Run(SendWaiting);
    }

    public Task<EventResult[]> Ingest(string customerId, MarketingEvent[] events)
    {
        var pending = new Pending(customerId, events);
        return _waiting.Writer.TryWrite(pending) ? pending.Task : _customers.Ingest(customerId, events);
    }

    private async Task SendWaiting()
    {
        while (await _waiting.Reader.WaitToReadAsync())
        {
            while (_waiting.Reader.TryRead(out var pending)) pending.Send(_customers);
        }
    }

    public void Dispose() => _waiting.Writer.TryComplete();

    /// <summary>One request's call, answered on the thread pool so no request's continuation runs on the loop.</summary>
    private sealed class Pending(string customerId, MarketingEvent[] events) : TaskCompletionSource<EventResult[]>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public void Send(CustomerGrainReferences customers)
        {
            Task<EventResult[]> call;
            try
            {
                call = customers.Ingest(customerId, events);
            }
            catch (Exception e)
            {
                TrySetException(e);
                return;
            }
            call.ContinueWith(static (done, state) => ((Pending)state!).Settle(done), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        private void Settle(Task<EventResult[]> call)
        {
            if (call.IsCompletedSuccessfully) TrySetResult(call.Result);
            else if (call.IsCanceled) TrySetCanceled();
            else TrySetException(call.Exception!.InnerExceptions);
        }
    }
}
