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
}
