using MarketingActors.Core.Governance;
using MarketingActors.Governance;
using MarketingActors.Storage.Postgres;
namespace MarketingActors.Storage;

/// <summary>
/// Where audit entries are kept. Embedded mode: <see cref="InMemoryAuditLog"/> (bounded); cluster
/// mode: <see cref="PostgresAuditLog"/>, the same columns in a table, appended in batches.
/// </summary>
public interface IAuditLog
{
    Task<AuditEntry[]> Append(IReadOnlyList<AuditEntry> drafts, DateTimeOffset at);
    Task<AuditEntry[]> Query(AuditQuery query);
    /// <summary>The whole chain checked, and held against <paramref name="checkpoint"/> when given.</summary>
    Task<AuditVerification> Verify(AuditCheckpoint? checkpoint);
    /// <summary>The newest entry's sequence and hash (0 and the genesis hash for an empty log).</summary>
    Task<(long Sequence, string Hash)> Head();
}

public sealed class InMemoryAuditLog(int capacity, AuditSeal seal) : IAuditLog
{
    private readonly AuditChain _chain = new(capacity, seal);
    private readonly Lock _gate = new();

    public Task<AuditEntry[]> Append(IReadOnlyList<AuditEntry> drafts, DateTimeOffset at)
    {
        lock (_gate) return Task.FromResult(drafts.Select(d => _chain.Append(d, at)).ToArray());
    }

    public Task<AuditEntry[]> Query(AuditQuery q)
    {
        lock (_gate)
        {
            return Task.FromResult(_chain.NewestFirst(AuditSegment.KeyPrintsOf(q)).Where(e => AuditFilter.Matches(q, e)).Take(q.Limit).ToArray());
        }
    }

    public Task<AuditVerification> Verify(AuditCheckpoint? checkpoint)
    {
        lock (_gate) return Task.FromResult(_chain.Verify(checkpoint));
    }

    public Task<(long Sequence, string Hash)> Head()
    {
        lock (_gate) return Task.FromResult((_chain.LastSequence, _chain.LastHash));
    }

    /// <summary>A direct edit of a stored row, as someone with database access could make it.</summary>
    internal void EditStoredEntry(long sequence, Func<AuditEntry, AuditEntry> edit)
    {
        lock (_gate) _chain.Overwrite(sequence, edit);
    }

    /// <summary>The newest entries cut off, as someone could truncate a table.</summary>
    internal void RemoveStoredEntry(long sequence)
    {
        lock (_gate) _chain.Remove(sequence);
    }
}

public static class AuditFilter
{
    public static bool Matches(AuditQuery q, AuditEntry e) =>
        (q.CampaignId is null || e.CampaignId == q.CampaignId) &&
        (q.CustomerRef is null || e.CustomerRef == q.CustomerRef) &&
        (q.Principal is null || e.Principal == q.Principal) &&
        (q.Kind is null || e.Kind == q.Kind) &&
        (q.SubjectId is null || e.SubjectId == q.SubjectId) &&
        (q.From is null || e.At >= q.From) &&
        (q.To is null || e.At < q.To);
}
