using MarketingActors.Events;

namespace MarketingActors.Storage;

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

    /// <summary>
    /// Completes once the entries are committed, with the event ids that were not committed because
    /// the customer's journal already holds them (a re-send older than the grain's own memory);
    /// throws <see cref="JournalUnavailableException"/> when nothing could be committed.
    /// </summary>
    Task<IReadOnlySet<string>> Append(string customerId, IReadOnlyList<JournalEntry> entries);

    Task<IReadOnlyList<JournalEntry>> ReadAfter(string customerId, long sequence);

    /// <summary>Right to erasure: deletes every journaled event of the customer.</summary>
    Task Erase(string customerId);
}

/// <summary>Embedded mode: the engine says loudly at start-up that it keeps nothing.</summary>
public sealed class NoEventJournal : IEventJournal
{
    public bool IsDurable => false;

    public static readonly IReadOnlySet<string> NoneKnown = new HashSet<string>();

    public Task<IReadOnlySet<string>> Append(string customerId, IReadOnlyList<JournalEntry> entries) => Task.FromResult(NoneKnown);

    public Task<IReadOnlyList<JournalEntry>> ReadAfter(string customerId, long sequence) =>
        Task.FromResult<IReadOnlyList<JournalEntry>>([]);

    public Task Erase(string customerId) => Task.CompletedTask;
}
