using System.ComponentModel.DataAnnotations;
using Npgsql;

namespace MarketingActors.Storage.Postgres;

/// <summary>
/// How many PostgreSQL connections one silo may hold, in two bounded pools: Orleans' ADO.NET
/// providers (membership, campaign and governance state, reminders share one connection string,
/// hence one pool) and the engine's own tables (event journal, customer snapshots, audit log,
/// training rows). Pool size × silos must stay below the server's max_connections, or a
/// burst of activations fails with "too many clients" instead of waiting for a connection
/// (docs/operations.md). These sizes override any Max Pool Size in the connection string.
/// </summary>
public sealed class DatabasePoolOptions
{
    public const string Section = "MarketingActors:Database";

    /// <summary>
    /// Connections of Orleans' ADO.NET providers: membership, reminders, campaign and governance
    /// state. Customer activations no longer read through it (their snapshots are the engine's).
    /// </summary>
    [Range(2, 1000)] public int OrleansPoolSize { get; set; } = 16;

    /// <summary>
    /// Connections for the engine's own tables: at least one per journal writer and tail reader and
    /// per snapshot reader and writer; the audit log and training-row writes borrow from the same
    /// pool in their (batched, occasional) turns.
    /// </summary>
    [Range(2, 1000)] public int JournalPoolSize { get; set; } = 12;

    /// <summary>
    /// How long an activation or a journal batch waits for a connection of a busy pool (Npgsql's
    /// `Timeout`) before failing with 503: a burst of new customers queues here, so it matches
    /// Orleans' default response timeout rather than Npgsql's 15 s.
    /// </summary>
    [Range(1, 300)] public int ConnectionWaitSeconds { get; set; } = 30;

    /// <summary>
    /// Statements of the engine's own tables each of its connections keeps prepared once used five
    /// times (Npgsql's `Max Auto Prepare`), so PostgreSQL parses them once per connection, not once
    /// per call (the snapshot writes, the tail reads; 3% of its CPU under page-view load, docs/benchmarks-history.md,
    /// fourteenth session). 0 turns it off, for a pooler in transaction mode that cannot keep prepared statements.
    /// Overrides any Max Auto Prepare in the connection string; Orleans' pool never prepares (its
    /// queries are few and not the engine's to vouch for).
    /// </summary>
    [Range(0, 1000)] public int EnginePreparedStatements { get; set; } = 32;

    /// <summary>
    /// The connection string with a pool of this size, this wait for a connection and this many
    /// statements kept prepared. Returned connections are not reset (`DISCARD ALL`): neither the
    /// engine nor Orleans' providers leave session state another borrower could trip on (no SET;
    /// the journal's staging table and the prepared statements are kept for the next borrower on
    /// purpose), and the reset was a round trip per borrowed connection, about 450 a second under batch load (docs/benchmarks-history.md §5).
    /// </summary>
    public string Bounded(string connectionString, int poolSize, int preparedStatements = 0) =>
        new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = poolSize, MinPoolSize = 0, Timeout = ConnectionWaitSeconds, NoResetOnClose = true, MaxAutoPrepare = preparedStatements,
        }.ConnectionString;
}
