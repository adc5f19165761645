using System.Runtime.CompilerServices;
using System.Text;
using MarketingActors.Core.Governance;
using MarketingActors.Governance;
using Npgsql;
using NpgsqlTypes;

namespace MarketingActors.Storage.Postgres;

/// <summary>
/// The audit log in cluster mode: table ma_audit_log (deploy/sql/005_audit_log.sql), one chain.
/// Every append goes through the cluster's single <see cref="AuditLogGrain"/> activation, so the
/// chain has one serialised writer; silos already hand it decisions in batches, and each batch is
/// one binary COPY in one transaction (group commit). The head (sequence, hash) is cached and
/// re-read from the table after any failure; should a second activation ever write at the same
/// time, the primary key on sequence fails one of the two batches (its sender retries) rather than
/// forking the chain.
/// </summary>
public sealed class PostgresAuditLog(NpgsqlDataSource database, AuditSeal seal) : IAuditLog
{
    private const string Columns = "sequence, at, kind, principal, campaign_id, customer_ref, subject_id, operation, approval_id, payload, prev_hash, hash, seal";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (long Sequence, string Hash)? _head;

    public async Task<AuditEntry[]> Append(IReadOnlyList<AuditEntry> drafts, DateTimeOffset at)
    {
        if (drafts.Count == 0) return [];
        // timestamptz keeps microseconds: hash what the table will give back.
        at = new DateTimeOffset(at.UtcTicks - at.UtcTicks % 10, TimeSpan.Zero);
        await _gate.WaitAsync();
        try
        {
            var (sequence, hash) = _head ?? await ReadHead();
            var entries = new AuditEntry[drafts.Count];
            for (var i = 0; i < drafts.Count; i++)
            {
                entries[i] = AuditChain.Link(drafts[i], sequence, hash, at, seal);
                (sequence, hash) = (entries[i].Sequence, entries[i].Hash);
            }
            _head = null;
            await Write(entries);
            _head = (sequence, hash);
            return entries;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<AuditEntry[]> Query(AuditQuery q)
    {
        var sql = new StringBuilder($"SELECT {Columns} FROM ma_audit_log WHERE true");
        var parameters = new List<NpgsqlParameter>();
        Filter("campaign_id", q.CampaignId);
        Filter("customer_ref", q.CustomerRef);
        Filter("principal", q.Principal);
        Filter("kind", q.Kind);
        Filter("subject_id", q.SubjectId);
        if (q.From is { } from) Compare("at >=", from);
        if (q.To is { } to) Compare("at <", to);
        sql.Append($" ORDER BY sequence DESC LIMIT {q.Limit}");
        await using var command = database.CreateCommand(sql.ToString());
        foreach (var p in parameters) command.Parameters.Add(p);
        var hits = new List<AuditEntry>();
        await foreach (var e in Read(command)) hits.Add(e);
        return [.. hits];

        void Filter(string column, string? value)
        {
            if (value is not null) Compare(column + " =", value);
        }

        void Compare(string condition, object value)
        {
            parameters.Add(new NpgsqlParameter { Value = value is DateTimeOffset d ? d.UtcDateTime : value });
            sql.Append($" AND {condition} ${parameters.Count}");
        }
    }

    /// <summary>Streams the whole table in sequence order through the chain check; memory stays flat however long the log.</summary>
    public async Task<AuditVerification> Verify(AuditCheckpoint? checkpoint)
    {
        await using var command = database.CreateCommand($"SELECT {Columns} FROM ma_audit_log ORDER BY sequence");
        var check = new AuditChainCheck(0, AuditChain.Genesis, seal, checkpoint);
        await foreach (var (e, scheme) in ReadWithScheme(command))
        {
            if (check.Accept(e, scheme) is { } broken) return broken;
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
        await using var command = database.CreateCommand("SELECT sequence, hash FROM ma_audit_log ORDER BY sequence DESC LIMIT 1");
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetInt64(0), reader.GetString(1)) : (0, AuditChain.Genesis);
    }

    private async Task Write(AuditEntry[] entries)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var copy = await connection.BeginBinaryImportAsync($"COPY ma_audit_log ({Columns}) FROM STDIN (FORMAT BINARY)");
        foreach (var e in entries)
        {
            await copy.StartRowAsync();
            await copy.WriteAsync(e.Sequence, NpgsqlDbType.Bigint);
            await copy.WriteAsync(e.At.UtcDateTime, NpgsqlDbType.TimestampTz);
            await copy.WriteAsync(e.Kind, NpgsqlDbType.Varchar);
            foreach (var text in new[] { e.Principal, e.CampaignId, e.CustomerRef, e.SubjectId, e.Operation, e.ApprovalId })
            {
                if (text is null) await copy.WriteNullAsync();
                else await copy.WriteAsync(text, NpgsqlDbType.Varchar);
            }
            await copy.WriteAsync(e.Payload, NpgsqlDbType.Text);
            await copy.WriteAsync(e.PrevHash, NpgsqlDbType.Char);
            await copy.WriteAsync(e.Hash, NpgsqlDbType.Char);
            await copy.WriteAsync(seal.Scheme, NpgsqlDbType.Varchar);
        }
        // One COPY is one statement: the whole batch commits, or none of it.
        await copy.CompleteAsync();
    }

    private static async IAsyncEnumerable<AuditEntry> Read(NpgsqlCommand command)
    {
        await foreach (var (e, _) in ReadWithScheme(command)) yield return e;
    }

    /// <summary>Each row and the scheme it was hashed with (rows written before the chain was keyed say sha256).</summary>
    private static async IAsyncEnumerable<(AuditEntry Entry, string Scheme)> ReadWithScheme(NpgsqlCommand command, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            yield return (new AuditEntry
            {
                Sequence = reader.GetInt64(0),
                At = new DateTimeOffset(reader.GetFieldValue<DateTime>(1), TimeSpan.Zero),
                Kind = reader.GetString(2),
                Principal = Text(3),
                CampaignId = Text(4),
                CustomerRef = Text(5),
                SubjectId = Text(6),
                Operation = Text(7),
                ApprovalId = Text(8),
                Payload = reader.GetString(9),
                PrevHash = reader.GetString(10),
                Hash = reader.GetString(11),
            }, reader.GetString(12));
        }

        string? Text(int column) => reader.IsDBNull(column) ? null : reader.GetString(column);
    }
}
