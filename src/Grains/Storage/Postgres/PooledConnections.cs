using System.Diagnostics;
using Npgsql;

namespace MarketingActors.Storage.Postgres;

internal static class PooledConnections
{
    /// <summary>
    /// A connection of the bounded pool, reporting how long the pool made the caller wait, so the
    /// wait is measured apart from the work done on the connection.
    /// </summary>
    public static async Task<NpgsqlConnection> OpenMeasured(this NpgsqlDataSource database, Action<TimeSpan> waited)
    {
        var asked = Stopwatch.GetTimestamp();
        var connection = await database.OpenConnectionAsync();
        waited(Stopwatch.GetElapsedTime(asked));
        return connection;
    }
}
