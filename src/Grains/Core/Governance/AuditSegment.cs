using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using K4os.Compression.LZ4;
using MarketingActors.Governance;
using ZstdSharp;

namespace MarketingActors.Core.Governance;

/// <summary>
/// One batch of the audit chain stored as one value: the batch's entries in a compact binary
/// encoding, compressed, with the keys the audit API looks entries up by. The cluster keeps one
/// row of ma_audit_segment per appended batch (deploy/sql/010_audit_segments.sql, zstd): a decision
/// costs PostgreSQL a share of one row and a few GIN keys instead of a 2–3 KB row under five B-trees.
/// The embedded chain keeps its older entries the same way in memory (LZ4: faster, it runs on the
/// decision path), a few bytes an entry instead of a dozen objects (benchmarks-history.md,
/// 2026-12-05). The chain itself is unchanged: every entry keeps its own keyed hash and link, so an
/// edit inside a segment fails verification at that entry.
/// </summary>
public sealed record AuditSegment(IReadOnlyList<AuditSegment.Sealed> Entries)
{
    /// <summary>An entry and the scheme its hash was made with (entries from before schema 008 are sha256).</summary>
    public readonly record struct Sealed(AuditEntry Entry, string Scheme);

    /// <summary>The entries encoded as they are, what schema 010 writes for the rows it moves out of ma_audit_log.</summary>
    public const string Binary = "binary";

    /// <summary>The binary encoding zstd-compressed: what the cluster writes.</summary>
    public const string Zstd = "zstd";

    /// <summary>The binary encoding LZ4-compressed: what the embedded chain keeps in memory.</summary>
    public const string Lz4 = "lz4";

    /// <summary>
    /// About 3× on entries of decision records, whose ids, references and hashes do not repeat. Level 1
    /// compresses them as well as level 3 (190 against 192 bytes a decision) for a tenth less CPU
    /// (`segment-codecs` in bench/MarketingActors.Benchmarks; with JSON payloads it was 195 against 220
    /// bytes and a fifth less; zstd was 8.8% of a durable silo's CPU under decided batches).
    /// </summary>
    private const int CompressionLevel = 1;

    public long FirstSequence => Entries[0].Entry.Sequence;
    public long LastSequence => Entries[^1].Entry.Sequence;
    public DateTimeOffset FirstAt => Entries[0].Entry.At;
    public DateTimeOffset LastAt => Entries[^1].Entry.At;
    public string LastHash => Entries[^1].Entry.Hash;

    /// <summary>
    /// What the GIN index holds: one prefixed key per distinct campaign (c:), customer reference
    /// (u:), subject (s:), principal (p:) and kind (k:), sorted ordinally so verification can hold the
    /// stored keys against the entries exactly.
    /// </summary>
    public string[] Keys()
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (e, _) in Entries)
        {
            foreach (var (prefix, value) in Labels(e.CampaignId, e.CustomerRef, e.SubjectId, e.Principal, e.Kind)) keys.Add(prefix + value);
        }
        return [.. keys];
    }

    /// <summary>
    /// The same keys as 64-bit fingerprints (<see cref="TextFingerprint"/>), sorted and distinct: what
    /// the embedded chain keeps beside a sealed segment to skip it. Eight bytes a key instead of a
    /// string in a set, built without the strings — the keys of every retained segment were the
    /// largest part of what each decision left alive in an embedded silo (benchmarks-history.md,
    /// 2026-12-06, third session). A shared fingerprint only opens a segment in vain; the caller filters its entries.
    /// </summary>
    public ulong[] KeyPrints()
    {
        var prints = new HashSet<ulong>();
        foreach (var (e, _) in Entries) AddPrints(prints, e.CampaignId, e.CustomerRef, e.SubjectId, e.Principal, e.Kind);
        var sorted = prints.ToArray();
        Array.Sort(sorted);
        return sorted;
    }

    /// <summary>The keys an entry answering <paramref name="q"/> must carry: what both logs look segments up by.</summary>
    public static string[] KeysOf(AuditQuery q) => [.. Labels(q.CampaignId, q.CustomerRef, q.SubjectId, q.Principal, q.Kind).Select(l => l.Prefix + l.Value)];

    /// <summary>The fingerprints of <see cref="KeysOf(AuditQuery)"/>, as <see cref="KeyPrints"/> holds them.</summary>
    public static ulong[] KeyPrintsOf(AuditQuery q)
    {
        var prints = new List<ulong>(5);
        AddPrints(prints, q.CampaignId, q.CustomerRef, q.SubjectId, q.Principal, q.Kind);
        return [.. prints];
    }

    private static void AddPrints(ICollection<ulong> into, string? campaignId, string? customerRef, string? subjectId, string? principal, string? kind)
    {
        foreach (var (prefix, value) in Labels(campaignId, customerRef, subjectId, principal, kind)) into.Add(TextFingerprint.Of(prefix, value));
    }

    private static IEnumerable<(string Prefix, string Value)> Labels(string? campaignId, string? customerRef, string? subjectId, string? principal, string? kind)
    {
        if (campaignId is not null) yield return ("c:", campaignId);
        if (customerRef is not null) yield return ("u:", customerRef);
        if (subjectId is not null) yield return ("s:", subjectId);
        if (principal is not null) yield return ("p:", principal);
        if (kind is not null) yield return ("k:", kind);
    }

    /// <summary>The encoding is staged in a pooled buffer sized up front: a segment is hundreds of kilobytes, and a growing array of that size is a large-object allocation per segment.</summary>
    public byte[] Compressed(string codec = Zstd)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(EncodedBound());
        try
        {
            var raw = buffer.AsSpan(0, Encode(buffer));
            return codec switch
            {
                Lz4 => LZ4Pickler.Pickle(raw),
                Zstd => ZstdOf(raw),
                _ => throw new ArgumentException($"no compressed audit segment codec '{codec}'", nameof(codec)),
            };
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Compressed into a pooled buffer and copied out at its size: zstd's own output array is sized for the worst case, a large-object allocation per segment.</summary>
    private static byte[] ZstdOf(ReadOnlySpan<byte> raw)
    {
        using var compressor = new Compressor(CompressionLevel);
        var buffer = ArrayPool<byte>.Shared.Rent(Compressor.GetCompressBound(raw.Length));
        try
        {
            return buffer.AsSpan(0, compressor.Wrap(raw, buffer)).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private int EncodedBound()
    {
        var bound = 4;
        var columns = new string?[TextColumns];
        foreach (var entry in Entries)
        {
            bound += 16 + 4 + entry.Entry.Payload.Stored.Length;
            foreach (var text in TextColumnsOf(entry, columns)) bound += 4 + (text is null ? 0 : Encoding.UTF8.GetMaxByteCount(text.Length));
        }
        return bound;
    }

    private const int TextColumns = 10;

    /// <summary>An entry's text columns in the order they are encoded (and read back, in <see cref="Read"/>); the payload, already bytes, goes between the approval and the previous hash.</summary>
    private static string?[] TextColumnsOf(Sealed sealedEntry, string?[] into)
    {
        var (e, scheme) = sealedEntry;
        (into[0], into[1], into[2], into[3], into[4], into[5], into[6]) = (e.Kind, e.Principal, e.CampaignId, e.CustomerRef, e.SubjectId, e.Operation, e.ApprovalId);
        (into[7], into[8], into[9]) = (e.PrevHash, e.Hash, scheme);
        return into;
    }

    private const int ColumnsBeforePayload = 7;

    /// <exception cref="InvalidDataException">The body is not a segment in the named codec.</exception>
    public static AuditSegment Decode(string codec, ReadOnlySpan<byte> body)
    {
        try
        {
            return codec switch
            {
                Binary => Read(body),
                Zstd => Read(Decompress(body)),
                Lz4 => Read(LZ4Pickler.Unpickle(body)),
                _ => throw new InvalidDataException($"unknown audit segment codec '{codec}'"),
            };
        }
        catch (Exception e) when (e is ArgumentException or ZstdException or IndexOutOfRangeException or DecoderFallbackException or InvalidOperationException)
        {
            throw new InvalidDataException("the audit segment does not decode: " + e.Message, e);
        }
    }

    private static ReadOnlySpan<byte> Decompress(ReadOnlySpan<byte> body)
    {
        using var decompressor = new Decompressor();
        return decompressor.Unwrap(body);
    }

    /// <summary>
    /// Big-endian int32 count, then per entry: int64 sequence, int64 microseconds since the Unix
    /// epoch, then kind, principal, campaign, customer reference, subject, operation, approval,
    /// payload, previous hash, hash and seal scheme, each an int32 length (−1 for null) and its bytes:
    /// UTF-8, except a decision's payload, which is its <see cref="DecisionRecord"/>. PostgreSQL's
    /// int4send/int8send produce the same, so schema 010 writes it in SQL.
    /// </summary>
    private int Encode(Span<byte> to)
    {
        BinaryPrimitives.WriteInt32BigEndian(to, Entries.Count);
        var at = 4;
        var columns = new string?[TextColumns];
        foreach (var entry in Entries)
        {
            BinaryPrimitives.WriteInt64BigEndian(to[at..], entry.Entry.Sequence);
            BinaryPrimitives.WriteInt64BigEndian(to[(at + 8)..], (entry.Entry.At.UtcTicks - DateTimeOffset.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond);
            at += 16;
            var column = 0;
            foreach (var text in TextColumnsOf(entry, columns))
            {
                if (column++ == ColumnsBeforePayload) at += Write(to[at..], entry.Entry.Payload.Stored);
                at += Write(to[at..], text);
            }
        }
        return at;
    }

    private static int Write(Span<byte> to, string? text)
    {
        if (text is null)
        {
            BinaryPrimitives.WriteInt32BigEndian(to, -1);
            return 4;
        }
        var length = Encoding.UTF8.GetBytes(text, to[4..]);
        BinaryPrimitives.WriteInt32BigEndian(to, length);
        return 4 + length;
    }

    private static int Write(Span<byte> to, ReadOnlySpan<byte> utf8)
    {
        BinaryPrimitives.WriteInt32BigEndian(to, utf8.Length);
        utf8.CopyTo(to[4..]);
        return 4 + utf8.Length;
    }

    private static AuditSegment Read(ReadOnlySpan<byte> body)
    {
        var count = BinaryPrimitives.ReadInt32BigEndian(body);
        if (count <= 0) throw new InvalidDataException("an audit segment holds no entries");
        var at = 4;
        var entries = new Sealed[count];
        for (var i = 0; i < count; i++)
        {
            var sequence = BinaryPrimitives.ReadInt64BigEndian(body[at..]);
            var micros = BinaryPrimitives.ReadInt64BigEndian(body[(at + 8)..]);
            at += 16;
            var entry = new AuditEntry
            {
                Sequence = sequence,
                At = DateTimeOffset.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond),
                Kind = Required(body, ref at),
                Principal = Text(body, ref at),
                CampaignId = Text(body, ref at),
                CustomerRef = Text(body, ref at),
                SubjectId = Text(body, ref at),
                Operation = Text(body, ref at),
                ApprovalId = Text(body, ref at),
                Payload = Payload(body, ref at),
                PrevHash = Required(body, ref at),
                Hash = Required(body, ref at),
            };
            entries[i] = new Sealed(entry, Required(body, ref at));
        }
        if (at != body.Length) throw new InvalidDataException("an audit segment has bytes after its last entry");
        return new AuditSegment(entries);
    }

    private static string Required(ReadOnlySpan<byte> body, ref int at) =>
        Text(body, ref at) ?? throw new InvalidDataException("an audit segment lacks a required column");

    private static AuditPayload Payload(ReadOnlySpan<byte> body, ref int at) =>
        Column(body, ref at, out var stored) ? AuditPayload.FromStored(stored.ToArray()) : throw new InvalidDataException("an audit segment lacks a required column");

    private static string? Text(ReadOnlySpan<byte> body, ref int at) => Column(body, ref at, out var utf8) ? Strict.GetString(utf8) : null;

    /// <summary>One length-prefixed column's bytes; false for a null column (length −1).</summary>
    private static bool Column(ReadOnlySpan<byte> body, ref int at, out ReadOnlySpan<byte> utf8)
    {
        var length = BinaryPrimitives.ReadInt32BigEndian(body[at..]);
        at += 4;
        if (length == -1)
        {
            utf8 = default;
            return false;
        }
        utf8 = body.Slice(at, length);
        at += length;
        return true;
    }

    /// <summary>Invalid UTF-8 is an edited body, not text to repair.</summary>
    private static readonly UTF8Encoding Strict = new(false, true);
}
