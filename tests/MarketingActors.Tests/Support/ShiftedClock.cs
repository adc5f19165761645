using Microsoft.Extensions.DependencyInjection;

namespace MarketingActors.Tests.Support;

/// <summary>
/// Real time moved by an offset the spec sets: time still flows (Orleans' own timers and leases
/// keep working), but a spec can start the engine at a chosen local hour and jump it forward.
/// </summary>
public sealed class ShiftedClock(TimeSpan offset) : TimeProvider
{
    /// <summary>The clock Orleans' membership resolves (its keyed services fall back to the engine's clock).</summary>
    private const string MembershipClock = "Orleans.Membership";

    private long _offsetTicks = offset.Ticks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    public void Jump(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    /// <summary>Makes this the engine's clock, while Orleans' membership keeps the machine's.</summary>
    /// <remarks>
    /// Membership compares the time it reads with start times Orleans stamps from the machine's clock:
    /// hours ahead, the engine's own silo looked stuck joining (or its generation retired), was declared
    /// dead and stopped the test process (CI runs of 2026-12-06 and 2026-12-07).
    /// </remarks>
    public void Drive(IServiceCollection engine)
    {
        engine.AddSingleton<TimeProvider>(this);
        engine.AddKeyedSingleton<TimeProvider>(MembershipClock, System);
    }
}
