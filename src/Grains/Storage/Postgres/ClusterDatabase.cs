using System.Reflection;
using MarketingActors.Hosting;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace MarketingActors.Storage.Postgres;

/// <summary>
/// The cluster's PostgreSQL database: connection, schema migrations (the scripts under
/// deploy/sql, embedded in this assembly) and the start-up checks that turn a bad connection
/// string or a missing schema into one clear line instead of a stack trace.
/// </summary>
public static class ClusterDatabase
{
    public const string ConnectionStringName = "Postgres";

    /// <summary>Serialises concurrent `migrate` runs (several silos starting with MigrateOnStart).</summary>
    private const long MigrationLock = 0x4D41_5343_4845; // "MASCHE"

    public static IReadOnlyList<(string Version, string Sql)> Migrations { get; } = LoadMigrations();

    public static string LatestVersion => Migrations[^1].Version;

    /// <summary>The engine's own tables, read and written outside Orleans' providers: a silo does not start without them.</summary>
    public static IReadOnlyList<string> EngineTables { get; } = ["ma_event_journal", "ma_customer_snapshots", "ma_training_rows", "ma_training_cursor", "ma_audit_segment", "ma_delivery_outbox"];

    public static string ConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } cs
            ? cs
            : throw new StartupFailure($"cluster mode needs ConnectionStrings:{ConnectionStringName} (e.g. Host=127.0.0.1;Port=5432;Username=postgres;Database=marketing)");

    /// <summary>
    /// Applies every migration not yet applied (up to and including <paramref name="through"/>, when
    /// given: how an upgrade from an older schema is reproduced), each in the same transaction as its
    /// bookkeeping row. Safe to run again.
    /// </summary>
    public static async Task<IReadOnlyList<string>> Migrate(string connectionString, string? through = null, CancellationToken cancellation = default)
    {
        await using var connection = await Open(connectionString, cancellation);
        await using var tx = await connection.BeginTransactionAsync(cancellation);
        await Execute(connection, tx, $"SELECT pg_advisory_xact_lock({MigrationLock})", cancellation);
        await Execute(connection, tx, "CREATE TABLE IF NOT EXISTS ma_schema_migrations (version varchar(64) PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", cancellation);
        var applied = new HashSet<string>();
        await using (var read = new NpgsqlCommand("SELECT version FROM ma_schema_migrations", connection, tx))
        await using (var reader = await read.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation)) applied.Add(reader.GetString(0));
        }
        var now = new List<string>();
        foreach (var (version, sql) in Migrations.Where(m => !applied.Contains(m.Version) && (through is null || string.CompareOrdinal(m.Version, through) <= 0)))
        {
            await Execute(connection, tx, sql, cancellation);
            await using var record = new NpgsqlCommand("INSERT INTO ma_schema_migrations (version) VALUES ($1)", connection, tx);
            record.Parameters.AddWithValue(version);
            await record.ExecuteNonQueryAsync(cancellation);
            now.Add(version);
        }
        await tx.CommitAsync(cancellation);
        return now;
    }

    /// <summary>
    /// Fails with one line when the database cannot be reached, its schema is behind this build, or
    /// one of the engine's tables is missing although its migration is recorded (dropped by hand,
    /// restored from a partial dump): better at start-up than on the first activation.
    /// </summary>
    public static async Task Verify(string connectionString, CancellationToken cancellation = default)
    {
        await using var connection = await Open(connectionString, cancellation);
        await using var command = new NpgsqlCommand("SELECT to_regclass('ma_schema_migrations') IS NOT NULL", connection);
        var hasTable = (bool)(await command.ExecuteScalarAsync(cancellation))!;
        var have = "none";
        if (hasTable)
        {
            await using var max = new NpgsqlCommand("SELECT max(version) FROM ma_schema_migrations", connection);
            have = await max.ExecuteScalarAsync(cancellation) as string ?? "none";
        }
        if (have != LatestVersion)
            throw new StartupFailure($"the database schema is {(hasTable ? "at " + have : "missing")}, this build needs {LatestVersion}: run `dotnet run --project src/Silo -- migrate` (or set MarketingActors:Silo:MigrateOnStart=true)");
        await using var tables = new NpgsqlCommand("SELECT t FROM unnest($1::text[]) AS t WHERE to_regclass(t) IS NULL", connection);
        tables.Parameters.AddWithValue(EngineTables.ToArray());
        var missing = new List<string>();
        await using (var reader = await tables.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation)) missing.Add(reader.GetString(0));
        }
        if (missing.Count > 0)
            throw new StartupFailure($"the database schema is at {have} but lacks {string.Join(", ", missing)}: restore them from deploy/sql or migrate a fresh database");
    }

    private static async Task<NpgsqlConnection> Open(string connectionString, CancellationToken cancellation)
    {
        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new StartupFailure($"ConnectionStrings:{ConnectionStringName} is not a valid connection string: {e.Message}");
        }
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellation);
            return connection;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            await connection.DisposeAsync();
            throw new StartupFailure($"cannot reach PostgreSQL at {parsed.Host}:{parsed.Port} (database {parsed.Database}): {e.Message}");
        }
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        await command.ExecuteNonQueryAsync(cancellation);
    }

    private static List<(string, string)> LoadMigrations()
    {
        var assembly = typeof(ClusterDatabase).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Version: Path.GetFileNameWithoutExtension(n[(n.LastIndexOf("sql.", StringComparison.Ordinal) + 4)..]), Name: n))
            .OrderBy(m => m.Version, StringComparer.Ordinal)
            .Select(m => (m.Version, Read(assembly, m.Name)))
            .ToList();
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
