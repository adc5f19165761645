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
        var entry = draft with
        {
            Sequence = LastSequence + 1,
            At = at,
            PrevHash = _entries.Count > 0 ? _entries[^1].Hash : AnchorHash,
            Hash = "",
        };
        entry = entry with { Hash = HashOf(entry) };
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

    public AuditVerification Verify()
    {
        var previous = AnchorHash;
        var expected = AnchorSequence + 1;
        foreach (var e in _entries)
        {
            if (HashOf(e) != e.Hash) return Broken(e.Sequence, "edited");
            if (e.Sequence != expected) return Broken(expected, "missing_or_reordered");
            if (e.PrevHash != previous) return Broken(e.Sequence, "broken_link");
            previous = e.Hash;
            expected++;
        }
        return new AuditVerification { Intact = true, Checked = _entries.Count, AnchorSequence = AnchorSequence };

        AuditVerification Broken(long sequence, string problem) =>
            new() { Intact = false, Checked = _entries.Count, FirstBadSequence = sequence, Problem = problem, AnchorSequence = AnchorSequence };
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
