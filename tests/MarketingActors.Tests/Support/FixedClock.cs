namespace MarketingActors.Tests.Support;

/// <summary>A clock that reads whatever the test sets; nothing in a unit test depends on real time.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}
