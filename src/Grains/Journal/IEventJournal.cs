using MarketingActors.Events;

namespace MarketingActors.Journal;

/// <summary>One accepted event at its place in a customer's history.</summary>
public readonly record struct JournalEntry(long Sequence, MarketingEvent Event);

/// <summary>
/// The durable record of every accepted event. A customer grain appends before it answers, so an
/// acknowledged event survives any silo failure, and replays what follows its last snapshot.
/// </summary>
public interface IEventJournal
{
    /// <summary>False in embedded mode: nothing is written and nothing can be replayed.</summary>
    bool IsDurable { get; }

    /// <summary>Completes once the entries are committed; throws <see cref="JournalUnavailableException"/> otherwise.</summary>
    Task Append(string customerId, IReadOnlyList<JournalEntry> entries);

    Task<IReadOnlyList<JournalEntry>> ReadAfter(string customerId, long sequence);

    /// <summary>Right to erasure: deletes every journaled event of the customer.</summary>
    Task Erase(string customerId);
}

/// <summary>Embedded mode: the engine says loudly at start-up that it keeps nothing.</summary>
public sealed class NoEventJournal : IEventJournal
{
    public bool IsDurable => false;

    public Task Append(string customerId, IReadOnlyList<JournalEntry> entries) => Task.CompletedTask;

    public Task<IReadOnlyList<JournalEntry>> ReadAfter(string customerId, long sequence) =>
        Task.FromResult<IReadOnlyList<JournalEntry>>([]);

    public Task Erase(string customerId) => Task.CompletedTask;
}
