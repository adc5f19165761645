namespace MarketingActors.Services;

/// <summary>
/// The owner's side of a <see cref="GrainSubscription"/>: the per-silo copies subscribed to a grain,
/// each pushed every change at once (in parallel, each within a timeout). A copy that fails a push
/// is dropped until it re-subscribes; one that has not re-subscribed for <see cref="Lifetime"/> is
/// presumed gone with its silo. Only the owning grain touches it, on its own scheduler.
/// </summary>
public sealed class GrainObservers<TObserver>(TimeProvider clock, TimeSpan timeout) where TObserver : notnull
{
    /// <summary>Four refresh periods of the subscriber: a live copy always re-subscribes well within it.</summary>
    public static readonly TimeSpan Lifetime = GrainSubscription.ResubscribeEvery * 4;

    private readonly Dictionary<TObserver, DateTimeOffset> _observers = new();

    public void Subscribe(TObserver observer) => _observers[observer] = clock.GetUtcNow();

    /// <param name="dropped">Told about each copy that did not take the push (it re-pulls on its own schedule).</param>
    public async Task Push(Func<TObserver, Task> push, Action<Exception> dropped)
    {
        var cutoff = clock.GetUtcNow() - Lifetime;
        foreach (var stale in _observers.Where(o => o.Value < cutoff).Select(o => o.Key).ToList()) _observers.Remove(stale);
        await Task.WhenAll(_observers.Keys.ToList().Select(async observer =>
        {
            try
            {
                await push(observer).WaitAsync(timeout);
            }
            catch (Exception e)
            {
                dropped(e);
                _observers.Remove(observer);
            }
        }));
    }
}
