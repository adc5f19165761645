namespace MarketingActors.Tests.Support;

/// <summary>
/// Real time moved by an offset the spec sets: time still flows (Orleans' own timers and leases
/// keep working), but a spec can start the engine at a chosen local hour and jump it forward.
/// </summary>
public sealed class ShiftedClock(TimeSpan offset) : TimeProvider
{
    private long _offsetTicks = offset.Ticks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    public void Jump(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
