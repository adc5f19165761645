namespace MarketingActors.Events;

/// <summary>
/// The event journal could not commit, so nothing was acknowledged and nothing was applied; the
/// caller may retry the same events (their ids make the retry idempotent).
/// </summary>
[GenerateSerializer, Alias("ma.journal-unavailable")]
public sealed class JournalUnavailableException : Exception
{
    public JournalUnavailableException() { }

    public JournalUnavailableException(string message) : base(message) { }

    public JournalUnavailableException(string message, Exception inner) : base(message, inner) { }
}
