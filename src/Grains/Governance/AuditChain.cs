using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MarketingActors.Governance;

/// <summary>
/// The append-only hash chain: entry n carries hash(n−1) and its own hash over every column, so an
/// edited, deleted or reordered entry breaks the chain where it happened. Bounded: the oldest
/// entries are dropped and the last dropped (sequence, hash) becomes the anchor verification starts from.
/// </summary>
public sealed class AuditChain(int capacity)
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    private readonly List<AuditEntry> _entries = [];

    public long AnchorSequence { get; private set; }
    public string AnchorHash { get; private set; } = Genesis;
    public IReadOnlyList<AuditEntry> Entries => _entries;
    public long LastSequence => _entries.Count > 0 ? _entries[^1].Sequence : AnchorSequence;

    public AuditEntry Append(AuditEntry draft, DateTimeOffset at)
    {
        var entry = Link(draft, LastSequence, _entries.Count > 0 ? _entries[^1].Hash : AnchorHash, at);
        _entries.Add(entry);
        if (_entries.Count > capacity)
        {
            // Drop a tenth at once so trimming is amortized, not a shift per append.
            var drop = Math.Max(1, capacity / 10);
            AnchorSequence = _entries[drop - 1].Sequence;
            AnchorHash = _entries[drop - 1].Hash;
            _entries.RemoveRange(0, drop);
        }
        return entry;
    }

    public AuditVerification Verify() => Verify(_entries, AnchorSequence, AnchorHash);

    public static AuditVerification Verify(IEnumerable<AuditEntry> entries, long anchorSequence, string anchorHash)
    {
        var check = new AuditChainCheck(anchorSequence, anchorHash);
        foreach (var e in entries)
        {
            if (check.Accept(e) is { } broken) return broken;
        }
        return check.Intact();
    }

    /// <summary>Numbers and hashes drafts after the given head: what every store appends.</summary>
    public static AuditEntry Link(AuditEntry draft, long previousSequence, string previousHash, DateTimeOffset at)
    {
        var entry = draft with { Sequence = previousSequence + 1, At = at, PrevHash = previousHash, Hash = "" };
        return entry with { Hash = HashOf(entry) };
    }

    /// <summary>Stands in for a direct UPDATE on the stored row: what the verifier exists to catch.</summary>
    internal void Overwrite(long sequence, Func<AuditEntry, AuditEntry> edit)
    {
        var index = _entries.FindIndex(e => e.Sequence == sequence);
        _entries[index] = edit(_entries[index]);
    }

    internal void Remove(long sequence) => _entries.RemoveAll(e => e.Sequence == sequence);

    /// <summary>SHA-256 over every column but the hash, each length-prefixed so no two rows serialize alike.</summary>
    public static string HashOf(AuditEntry e)
    {
        var text = new StringBuilder();
        foreach (var field in new[]
        {
            e.Sequence.ToString(CultureInfo.InvariantCulture), e.At.UtcTicks.ToString(CultureInfo.InvariantCulture), e.Kind,
            e.Principal, e.CampaignId, e.CustomerRef, e.SubjectId, e.Operation, e.ApprovalId, e.Payload, e.PrevHash,
        })
        {
            text.Append(field is null ? "-1" : field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append('|');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}

/// <summary>
/// Checks a chain entry by entry in sequence order from an anchor, so a store can stream it: the
/// first entry whose hash does not match its columns was edited, a gap in the sequence is a
/// deleted (or moved) entry, and a link that does not match the previous hash is an edit whose
/// own hash was recomputed.
/// </summary>
public sealed class AuditChainCheck(long anchorSequence, string anchorHash)
{
    private string _previous = anchorHash;
    private long _expected = anchorSequence + 1;
    private long _checked;

    /// <summary>Null while the chain holds; the verdict at the first bad entry.</summary>
    public AuditVerification? Accept(AuditEntry e)
    {
        _checked++;
        if (AuditChain.HashOf(e) != e.Hash) return Broken(e.Sequence, "edited");
        if (e.Sequence != _expected) return Broken(_expected, "missing_or_reordered");
        if (e.PrevHash != _previous) return Broken(e.Sequence, "broken_link");
        _previous = e.Hash;
        _expected++;
        return null;
    }

    public AuditVerification Intact() =>
        new() { Intact = true, Checked = _checked, AnchorSequence = anchorSequence, LastSequence = _expected - 1, LastHash = _previous };

    private AuditVerification Broken(long sequence, string problem) =>
        new() { Intact = false, Checked = _checked, FirstBadSequence = sequence, Problem = problem, AnchorSequence = anchorSequence };
}
