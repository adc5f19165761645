using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MarketingActors.Governance;

namespace MarketingActors.Core.Governance;

/// <summary>
/// The append-only hash chain: entry n carries hash(n−1) and its own keyed hash over every column
/// (<see cref="AuditSeal"/>), so an edited, deleted or reordered entry breaks the chain where it
/// happened, and without the key nobody can recompute a chain that verifies. Bounded: the oldest
/// entries are dropped and the last dropped (sequence, hash) becomes the anchor verification starts
/// from. The newest entries are kept as they are; every <see cref="SegmentSize"/> of them are sealed
/// into one compressed <see cref="AuditSegment"/> kept outside the managed heap (each decision's
/// entry is a 2–3 KB payload, and hundreds of thousands of them as objects, then as arrays, made
/// the collector's work grow with the log; <see cref="UnmanagedBytes"/>).
/// </summary>
public sealed class AuditChain(int capacity, AuditSeal seal)
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>Sealed entries: a range of the chain, the fingerprints of the keys its entries can be found by (sorted), and their compressed segment.</summary>
    private sealed record SealedRange(long First, long Last, int Count, string LastHash, ulong[] KeyPrints, UnmanagedBytes Body);

    private readonly List<SealedRange> _sealed = [];
    private readonly List<AuditEntry> _open = [];
    private int _sealedCount;

    /// <summary>Entries sealed together: enough to compress well, few enough that a bounded chain still drops a small share at once.</summary>
    public int SegmentSize { get; } = Math.Clamp(capacity / 8, 1, 128);

    public long AnchorSequence { get; private set; }
    public string AnchorHash { get; private set; } = Genesis;
    public int Count => _sealedCount + _open.Count;
    public long LastSequence => _open.Count > 0 ? _open[^1].Sequence : _sealed.Count > 0 ? _sealed[^1].Last : AnchorSequence;
    public string LastHash => _open.Count > 0 ? _open[^1].Hash : _sealed.Count > 0 ? _sealed[^1].LastHash : AnchorHash;

    /// <summary>Every retained entry, oldest first (decodes the sealed ones).</summary>
    public IReadOnlyList<AuditEntry> Entries => [.. _sealed.SelectMany(Open), .. _open];

    public AuditEntry Append(AuditEntry draft, DateTimeOffset at)
    {
        // A sealed segment keeps microseconds (as the cluster's timestamptz): hash what it will give back.
        at = new DateTimeOffset(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerMicrosecond, TimeSpan.Zero);
        var entry = Link(draft, LastSequence, LastHash, at, seal);
        _open.Add(entry);
        if (_open.Count >= SegmentSize) SealOpen();
        while (Count > capacity && _sealed.Count > 0)
        {
            var oldest = _sealed[0];
            (AnchorSequence, AnchorHash) = (oldest.Last, oldest.LastHash);
            _sealedCount -= oldest.Count;
            _sealed.RemoveAt(0);
            oldest.Body.Dispose();
        }
        return entry;
    }

    /// <summary>
    /// Newest first, skipping sealed segments that cannot hold an entry carrying every one of the keys
    /// fingerprinted in <paramref name="keyPrints"/> (<see cref="AuditSegment.KeyPrintsOf"/>); the caller filters each entry.
    /// </summary>
    public IEnumerable<AuditEntry> NewestFirst(IReadOnlyCollection<ulong> keyPrints)
    {
        for (var i = _open.Count - 1; i >= 0; i--) yield return _open[i];
        for (var s = _sealed.Count - 1; s >= 0; s--)
        {
            var held = _sealed[s].KeyPrints;
            if (!keyPrints.All(p => Array.BinarySearch(held, p) >= 0)) continue;
            var entries = Open(_sealed[s]);
            for (var i = entries.Count - 1; i >= 0; i--) yield return entries[i];
        }
    }

    public AuditVerification Verify(AuditCheckpoint? checkpoint)
    {
        var check = new AuditChainCheck(AnchorSequence, AnchorHash, seal, checkpoint);
        foreach (var range in _sealed)
        {
            AuditSegment segment;
            try
            {
                segment = SegmentOf(range);
            }
            catch (InvalidDataException)
            {
                return check.Reject(range.First, "segment_unreadable");
            }
            foreach (var (e, scheme) in segment.Entries)
            {
                if (check.Accept(e, scheme) is { } broken) return broken;
            }
        }
        foreach (var e in _open)
        {
            if (check.Accept(e, seal.Scheme) is { } broken) return broken;
        }
        return check.Intact();
    }

    /// <summary>Numbers and hashes drafts after the given head: what every store appends.</summary>
    public static AuditEntry Link(AuditEntry draft, long previousSequence, string previousHash, DateTimeOffset at, AuditSeal seal)
    {
        var entry = draft with { Sequence = previousSequence + 1, At = at, PrevHash = previousHash, Hash = "" };
        return entry with { Hash = seal.Hash(entry) };
    }

    /// <summary>Stands in for a direct UPDATE on the stored row: what the verifier exists to catch.</summary>
    internal void Overwrite(long sequence, Func<AuditEntry, AuditEntry> edit) =>
        Rewrite(sequence, entries => entries.Select(e => e.Sequence == sequence ? edit(e) : e).ToList());

    /// <summary>Stands in for a DELETE of the stored row.</summary>
    internal void Remove(long sequence) => Rewrite(sequence, entries => entries.Where(e => e.Sequence != sequence).ToList());

    /// <summary>Changes the stored entries around <paramref name="sequence"/> in place, re-sealing its segment as they now are.</summary>
    private void Rewrite(long sequence, Func<List<AuditEntry>, List<AuditEntry>> change)
    {
        var at = _sealed.FindIndex(r => r.First <= sequence && sequence <= r.Last);
        if (at < 0)
        {
            var changed = change(_open);
            _open.Clear();
            _open.AddRange(changed);
            return;
        }
        var range = _sealed[at];
        var entries = change([.. Open(range)]);
        _sealedCount += entries.Count - range.Count;
        if (entries.Count == 0) _sealed.RemoveAt(at);
        else _sealed[at] = Sealed(entries, range.First, range.Last);
        range.Body.Dispose();
    }

    private void SealOpen()
    {
        _sealed.Add(Sealed(_open, _open[0].Sequence, _open[^1].Sequence));
        _sealedCount += _open.Count;
        _open.Clear();
    }

    /// <summary>A range keeps the sequences it was sealed for, so a deleted entry reads as a gap, not as a shorter chain.</summary>
    private SealedRange Sealed(List<AuditEntry> entries, long first, long last)
    {
        var segment = new AuditSegment([.. entries.Select(e => new AuditSegment.Sealed(e, seal.Scheme))]);
        return new SealedRange(first, last, entries.Count, entries[^1].Hash, segment.KeyPrints(), new UnmanagedBytes(segment.Compressed(AuditSegment.Lz4)));
    }

    private static IReadOnlyList<AuditEntry> Open(SealedRange range) => [.. SegmentOf(range).Entries.Select(s => s.Entry)];

    private static AuditSegment SegmentOf(SealedRange range) => AuditSegment.Decode(AuditSegment.Lz4, range.Body.ToArray());

    /// <summary>
    /// SHA-256 (the legacy, unkeyed scheme) or, through <see cref="AuditSeal"/>'s key, HMAC-SHA256 over every column but the
    /// hash, each length-prefixed so no two rows serialize alike: the UTF-8 of <c>len:value|</c> per
    /// column (<c>-1:|</c> for null), len in UTF-16 code units (a decision record's payload: its bytes,
    /// <see cref="AuditPayload.HashedLength"/>). Encoded straight into a pooled
    /// buffer: this runs for every decision and every verified entry.
    /// </summary>
    public static string HashOf(AuditEntry e) => HashOf(e, hmac: null);

    /// <summary>The keyed hash through an HMAC the caller keeps for its thread (<see cref="AuditSeal"/>), reset after the entry; without one, the legacy SHA-256.</summary>
    public static string HashOf(AuditEntry e, IncrementalHash? hmac)
    {
        Span<char> sequence = stackalloc char[20];
        Span<char> ticks = stackalloc char[20];
        e.Sequence.TryFormat(sequence, out var sequenceLength, default, CultureInfo.InvariantCulture);
        e.At.UtcTicks.TryFormat(ticks, out var ticksLength, default, CultureInfo.InvariantCulture);
        var bound = Bound(sequenceLength) + Bound(ticksLength) + Bound(e.Kind) + Bound(e.Principal) + Bound(e.CampaignId) + Bound(e.CustomerRef)
            + Bound(e.SubjectId) + Bound(e.Operation) + Bound(e.ApprovalId) + Bound(e.Payload) + Bound(e.PrevHash);
        var buffer = ArrayPool<byte>.Shared.Rent(bound);
        try
        {
            var at = 0;
            Column(buffer, ref at, sequence[..sequenceLength]);
            Column(buffer, ref at, ticks[..ticksLength]);
            Column(buffer, ref at, e.Kind);
            Column(buffer, ref at, e.Principal);
            Column(buffer, ref at, e.CampaignId);
            Column(buffer, ref at, e.CustomerRef);
            Column(buffer, ref at, e.SubjectId);
            Column(buffer, ref at, e.Operation);
            Column(buffer, ref at, e.ApprovalId);
            Column(buffer, ref at, e.Payload);
            Column(buffer, ref at, e.PrevHash);
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            if (hmac is not null)
            {
                hmac.AppendData(buffer, 0, at);
                hmac.GetHashAndReset(digest);
            }
            else SHA256.HashData(buffer.AsSpan(0, at), digest);
            return Convert.ToHexStringLower(digest);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>At most this many bytes for a column of <paramref name="chars"/> UTF-16 code units: prefix, separators, UTF-8.</summary>
    private static int Bound(int chars) => ColumnFraming + Encoding.UTF8.GetMaxByteCount(chars);

    /// <summary>A length prefix of at most 11 characters, its colon and the closing bar.</summary>
    private const int ColumnFraming = 11 + 2;

    private static int Bound(AuditPayload payload) => ColumnFraming + payload.Stored.Length;

    private static int Bound(string? column) => Bound(column?.Length ?? 0);

    private static void Column(byte[] buffer, ref int at, string? column)
    {
        if (column is null)
        {
            "-1:|"u8.CopyTo(buffer.AsSpan(at));
            at += 4;
        }
        else Column(buffer, ref at, column.AsSpan());
    }

    private static void Column(byte[] buffer, ref int at, ReadOnlySpan<char> column)
    {
        Prefix(buffer, ref at, column.Length);
        at += Encoding.UTF8.GetBytes(column, buffer.AsSpan(at));
        buffer[at++] = (byte)'|';
    }

    /// <summary>The payload is already bytes (UTF-8 JSON or a decision record): copied as it is, prefixed with <see cref="AuditPayload.HashedLength"/>.</summary>
    private static void Column(byte[] buffer, ref int at, AuditPayload payload)
    {
        Prefix(buffer, ref at, payload.HashedLength);
        payload.Stored.CopyTo(buffer.AsSpan(at));
        at += payload.Stored.Length;
        buffer[at++] = (byte)'|';
    }

    private static void Prefix(byte[] buffer, ref int at, int length)
    {
        length.TryFormat(buffer.AsSpan(at), out var written, default, CultureInfo.InvariantCulture);
        at += written;
        buffer[at++] = (byte)':';
    }
}

/// <summary>
/// Checks a chain entry by entry in sequence order from an anchor, so a store can stream it: the
/// first entry whose hash does not match its columns was edited, a gap in the sequence is a
/// deleted (or moved) entry, and a link that does not match the previous hash is an edit whose
/// own hash was recomputed. Once a keyed entry was seen, an unkeyed one after it is an edit too
/// (only entries written before the chain was keyed may be legacy). Against a signed checkpoint,
/// the entry at its sequence must carry its hash (else the log was rewritten) and the log must
/// reach it (else its tail was cut off).
/// </summary>
public sealed class AuditChainCheck(long anchorSequence, string anchorHash, AuditSeal seal, AuditCheckpoint? checkpoint = null)
{
    private string _previous = anchorHash;
    private long _expected = anchorSequence + 1;
    private long _checked;
    private bool _keyed;

    /// <summary>Null while the chain holds; the verdict at the first bad entry.</summary>
    public AuditVerification? Accept(AuditEntry e, string scheme)
    {
        _checked++;
        var legacy = scheme == AuditSeal.LegacyScheme;
        if (seal.HashFor(e, scheme) is not { } expected || (legacy && _keyed)) return Broken(e.Sequence, "edited");
        _keyed |= !legacy;
        if (expected != e.Hash) return Broken(e.Sequence, "edited");
        if (e.Sequence != _expected) return Broken(_expected, "missing_or_reordered");
        if (e.PrevHash != _previous) return Broken(e.Sequence, "broken_link");
        if (checkpoint is not null && e.Sequence == checkpoint.Sequence && e.Hash != checkpoint.Hash) return Broken(e.Sequence, "rewritten_before_checkpoint");
        _previous = e.Hash;
        _expected++;
        return null;
    }

    /// <summary>The verdict when the store finds a problem around the entries (a stored batch that does not decode or misdescribes them).</summary>
    public AuditVerification Reject(long sequence, string problem) => Broken(sequence, problem);

    public AuditVerification Intact()
    {
        var last = _expected - 1;
        if (checkpoint is not null && checkpoint.Sequence > last) return Broken(last + 1, "truncated_after_checkpoint");
        return new()
        {
            Intact = true, Checked = _checked, AnchorSequence = anchorSequence, LastSequence = last, LastHash = _previous,
            Checkpoint = checkpoint, CheckpointChecked = checkpoint is not null && checkpoint.Sequence > anchorSequence,
        };
    }

    private AuditVerification Broken(long sequence, string problem) =>
        new() { Intact = false, Checked = _checked, FirstBadSequence = sequence, Problem = problem, AnchorSequence = anchorSequence, Checkpoint = checkpoint };
}
