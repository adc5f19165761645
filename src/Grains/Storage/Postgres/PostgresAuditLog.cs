using System.Runtime.CompilerServices;
using System.Text;
using MarketingActors.Core.Governance;
using MarketingActors.Governance;
using Npgsql;
using NpgsqlTypes;

namespace MarketingActors.Storage.Postgres;

/// <summary>
/// The audit log in cluster mode: table ma_audit_segment (deploy/sql/010_audit_segments.sql), one
/// chain, one row per appended batch (<see cref="AuditSegment"/>). Every append goes through the
/// cluster's single <see cref="AuditLogGrain"/> activation, so the chain has one serialised writer;
/// silos already hand it decisions in batches, and each batch is one INSERT (group commit). The head
/// (sequence, hash) is cached and re-read from the table after any failure; should a second
/// activation ever write at the same time, the exclusion constraint on the sequence ranges fails one
/// of the two batches (its sender retries) rather than forking the chain.
/// </summary>
public sealed class PostgresAuditLog(NpgsqlDataSource database, AuditSeal seal) : IAuditLog
{
    private const string Columns = "first_sequence, last_sequence, first_at, last_at, last_hash, codec, entries, keys";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (long Sequence, string Hash)? _head;

    public async Task<AuditEntry[]> Append(IReadOnlyList<AuditEntry> drafts, DateTimeOffset at)
    {
        if (drafts.Count == 0) return [];
        // timestamptz and the segment encoding keep microseconds: hash what the table will give back.
        at = new DateTimeOffset(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerMicrosecond, TimeSpan.Zero);
        await _gate.WaitAsync();
        try
        {
            var (sequence, hash) = _head ?? await ReadHead();
            var entries = new AuditEntry[drafts.Count];
            var sealedEntries = new AuditSegment.Sealed[drafts.Count];
            for (var i = 0; i < drafts.Count; i++)
            {
                entries[i] = AuditChain.Link(drafts[i], sequence, hash, at, seal);
                sealedEntries[i] = new AuditSegment.Sealed(entries[i], seal.Scheme);
                (sequence, hash) = (entries[i].Sequence, entries[i].Hash);
            }
            _head = null;
            await Write(new AuditSegment(sealedEntries));
            _head = (sequence, hash);
            return entries;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Newest first: the segments whose keys and time range can hold a match, read newest first and
    /// filtered entry by entry, until the limit is reached.
    /// </summary>
    public async Task<AuditEntry[]> Query(AuditQuery q)
    {
        var sql = new StringBuilder($"SELECT {Columns} FROM ma_audit_segment WHERE true");
        var parameters = new List<NpgsqlParameter>();
        var keys = AuditSegment.KeysOf(q);
        if (keys.Length > 0) Compare("keys @>", keys, NpgsqlDbType.Array | NpgsqlDbType.Text);
        if (q.From is { } from) Compare("last_at >=", from.UtcDateTime, NpgsqlDbType.TimestampTz);
        if (q.To is { } to) Compare("first_at <", to.UtcDateTime, NpgsqlDbType.TimestampTz);
        sql.Append(" ORDER BY first_sequence DESC");
        await using var command = database.CreateCommand(sql.ToString());
        foreach (var p in parameters) command.Parameters.Add(p);
        var hits = new List<AuditEntry>();
        await foreach (var (_, segment) in Read(command))
        {
            // A body that no longer decodes was edited in the database: verification names it.
            if (segment is null) continue;
            for (var i = segment.Entries.Count - 1; i >= 0 && hits.Count < q.Limit; i--)
            {
                if (AuditFilter.Matches(q, segment.Entries[i].Entry)) hits.Add(segment.Entries[i].Entry);
            }
            if (hits.Count >= q.Limit) break;
        }
        return [.. hits];

        void Compare(string condition, object value, NpgsqlDbType type)
        {
            parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
            sql.Append($" AND {condition} ${parameters.Count}");
        }
    }

    /// <summary>
    /// Streams the segments in sequence order through the chain check, one decoded at a time, so
    /// memory stays flat however long the log. Each row must also say what its entries say (range,
    /// head, keys): a row whose keys no longer name an entry would hide it from queries.
    /// </summary>
    public async Task<AuditVerification> Verify(AuditCheckpoint? checkpoint)
    {
        await using var command = database.CreateCommand($"SELECT {Columns} FROM ma_audit_segment ORDER BY first_sequence");
        var check = new AuditChainCheck(0, AuditChain.Genesis, seal, checkpoint);
        await foreach (var (row, segment) in Read(command))
        {
            if (segment is null) return check.Reject(row.FirstSequence, "segment_edited");
            foreach (var (entry, scheme) in segment.Entries)
            {
                if (check.Accept(entry, scheme) is { } broken) return broken;
            }
            if (!row.Describes(segment)) return check.Reject(row.FirstSequence, "segment_edited");
        }
        return check.Intact();
    }

    public async Task<(long Sequence, string Hash)> Head()
    {
        await _gate.WaitAsync();
        try
        {
            return _head ?? await ReadHead();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<(long, string)> ReadHead()
    {
        await using var command = database.CreateCommand("SELECT last_sequence, last_hash FROM ma_audit_segment ORDER BY first_sequence DESC LIMIT 1");
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetInt64(0), reader.GetString(1)) : (0, AuditChain.Genesis);
    }

    private async Task Write(AuditSegment segment)
    {
        await using var command = database.CreateCommand($"INSERT INTO ma_audit_segment ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
        command.Parameters.Add(new NpgsqlParameter { Value = segment.FirstSequence, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = segment.LastSequence, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = segment.FirstAt.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = segment.LastAt.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = segment.LastHash, NpgsqlDbType = NpgsqlDbType.Char });
        command.Parameters.Add(new NpgsqlParameter { Value = AuditSegment.Zstd, NpgsqlDbType = NpgsqlDbType.Varchar });
        command.Parameters.Add(new NpgsqlParameter { Value = segment.Compressed(), NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter { Value = segment.Keys(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        // One statement: the whole batch commits, or none of it.
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>What a row says about its segment, beside the segment it decodes to (null when its body does not decode).</summary>
    private sealed record SegmentRow(long FirstSequence, long LastSequence, DateTimeOffset FirstAt, DateTimeOffset LastAt, string LastHash, string[] Keys)
    {
        public bool Describes(AuditSegment segment) =>
            (FirstSequence, LastSequence, FirstAt, LastAt, LastHash) == (segment.FirstSequence, segment.LastSequence, segment.FirstAt, segment.LastAt, segment.LastHash)
            && Keys.ToHashSet(StringComparer.Ordinal).SetEquals(segment.Keys());
    }

    private static async IAsyncEnumerable<(SegmentRow Row, AuditSegment? Segment)> Read(NpgsqlCommand command, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var row = new SegmentRow(reader.GetInt64(0), reader.GetInt64(1), At(2), At(3), reader.GetString(4), reader.GetFieldValue<string[]>(7));
            AuditSegment? segment;
            try
            {
                segment = AuditSegment.Decode(reader.GetString(5), reader.GetFieldValue<byte[]>(6));
            }
            catch (InvalidDataException)
            {
                segment = null;
            }
            yield return (row, segment);
        }

        DateTimeOffset At(int column) => new(reader.GetFieldValue<DateTime>(column), TimeSpan.Zero);
    }
}
