using MarketingActors.Core.Governance;
using Npgsql;
using NpgsqlTypes;

namespace MarketingActors.Tests.Support;

/// <summary>The cluster's audit log as stored in ma_audit_segment, read and rewritten the way someone with database access and the open codec could.</summary>
public static class StoredAudit
{
    /// <summary>Every stored entry with its seal scheme, in sequence order.</summary>
    public static async Task<IReadOnlyList<AuditSegment.Sealed>> Entries(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT codec, entries FROM ma_audit_segment ORDER BY first_sequence", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var entries = new List<AuditSegment.Sealed>();
        while (await reader.ReadAsync()) entries.AddRange(AuditSegment.Decode(reader.GetString(0), reader.GetFieldValue<byte[]>(1)).Entries);
        return entries;
    }

    /// <summary>A statement run with triggers off, as a superuser can.</summary>
    public static async Task Tamper(string database, string sql)
    {
        await using var connection = await AsSuperuser(database);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<NpgsqlConnection> AsSuperuser(string database)
    {
        var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var triggersOff = new NpgsqlCommand("SET session_replication_role = replica", connection);
        await triggersOff.ExecuteNonQueryAsync();
        return connection;
    }

    /// <summary>
    /// The segment starting at <paramref name="firstSequence"/> replaced by one holding the edited
    /// entries, its range, head and keys made to match them (or removed when none are left): the
    /// most careful edit there is without the audit key.
    /// </summary>
    public static async Task Rewrite(string database, long firstSequence, Func<List<AuditSegment.Sealed>, IEnumerable<AuditSegment.Sealed>> edit)
    {
        var stored = (await Entries(database)).ToList();
        var segment = await SegmentAt(database, firstSequence);
        var edited = edit(stored.Where(e => e.Entry.Sequence >= segment.First && e.Entry.Sequence <= segment.Last).ToList()).ToList();
        await Tamper(database, $"DELETE FROM ma_audit_segment WHERE first_sequence = {firstSequence}");
        if (edited.Count == 0) return;
        var replacement = new AuditSegment(edited);
        await using var connection = await AsSuperuser(database);
        await using var insert = new NpgsqlCommand(
            "INSERT INTO ma_audit_segment (first_sequence, last_sequence, first_at, last_at, last_hash, codec, entries, keys) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            connection);
        insert.Parameters.AddWithValue(replacement.FirstSequence);
        insert.Parameters.AddWithValue(replacement.LastSequence);
        insert.Parameters.AddWithValue(replacement.FirstAt.UtcDateTime);
        insert.Parameters.AddWithValue(replacement.LastAt.UtcDateTime);
        insert.Parameters.AddWithValue(replacement.LastHash);
        insert.Parameters.AddWithValue(AuditSegment.Zstd);
        insert.Parameters.AddWithValue(replacement.Compressed());
        insert.Parameters.Add(new NpgsqlParameter { Value = replacement.Keys(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await insert.ExecuteNonQueryAsync();
    }

    private static async Task<(long First, long Last)> SegmentAt(string database, long firstSequence)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT first_sequence, last_sequence FROM ma_audit_segment WHERE first_sequence = $1", connection);
        command.Parameters.AddWithValue(firstSequence);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) throw new InvalidOperationException($"no audit segment starts at {firstSequence}");
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
