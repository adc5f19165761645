using Npgsql;

namespace MarketingActors.Tests.Support;

/// <summary>What a PostgreSQL spec looks up directly in the database, behind the engine's back.</summary>
public static class DatabaseRows
{
    /// <summary>The single count a `SELECT count(*) ...` returns, with positional parameters $1, $2...</summary>
    public static async Task<long> Count(string database, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters) command.Parameters.AddWithValue(parameter);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Journal writes blocked on a lock: how the journal specs see a group commit held up by a table lock they took.</summary>
    public static Task<long> JournalCommitsWaitingOnALock(string database) => Count(database,
        "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%ma_event_journal (customer_id, sequence, event_id, payload)%' AND wait_event_type = 'Lock'");
}
