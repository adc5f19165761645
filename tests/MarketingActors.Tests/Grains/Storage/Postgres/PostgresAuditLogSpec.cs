using MarketingActors.Core.Governance;
using MarketingActors.Governance;
using MarketingActors.Storage.Postgres;
using MarketingActors.Tests.Support;
using Npgsql;

namespace MarketingActors.Tests.Grains.Storage.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresAuditLogSpec(PostgresServer postgres)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly AuditSeal Seal = AuditSeal.Ephemeral();

    private static AuditEntry Draft(string principal, string campaign, string? customerRef = null, string kind = AuditKinds.Change) =>
        new() { Kind = kind, Principal = principal, CampaignId = campaign, CustomerRef = customerRef, Operation = "update_campaign", Payload = $$"""{"by":"{{principal}}"}""" };

    private async Task<(NpgsqlDataSource Database, PostgresAuditLog Log)> Migrated()
    {
        var connectionString = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(connectionString);
        var database = NpgsqlDataSource.Create(connectionString);
        return (database, new PostgresAuditLog(database, Seal));
    }

    /// <summary>What someone with superuser access to the database can do: switch the append-only trigger off for the session.</summary>
    private static async Task Tamper(NpgsqlDataSource database, string sql)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SET session_replication_role = replica; " + sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [SkippableFact]
    public async Task Batches_chain_across_writers_and_queries_are_answered_from_the_table()
    {
        var (database, log) = await Migrated();
        await using var _ = database;

        await log.Append([Draft("ana", "spring"), Draft("bo", "summer", "ref-1", AuditKinds.Decision)], T0);
        // A new activation (another silo) starts from the head stored in the table, not from memory.
        var next = new PostgresAuditLog(database, Seal);
        var appended = await next.Append([Draft("ana", "summer", "ref-1", AuditKinds.Decision)], T0.AddMinutes(5));

        Assert.Equal(3, appended[0].Sequence);
        var verification = await next.Verify(null);
        Assert.True(verification.Intact);
        Assert.Equal(3, verification.Checked);
        Assert.Equal(appended[0].Hash, verification.LastHash);
        Assert.Equal(new long[] { 3, 2 }, (await log.Query(new AuditQuery { CampaignId = "summer" })).Select(e => e.Sequence));
        Assert.Equal(new long[] { 3, 1 }, (await log.Query(new AuditQuery { Principal = "ana" })).Select(e => e.Sequence));
        Assert.Equal(new long[] { 3 }, (await log.Query(new AuditQuery { CustomerRef = "ref-1", From = T0.AddMinutes(1) })).Select(e => e.Sequence));
        Assert.Equal(new long[] { 1 }, (await log.Query(new AuditQuery { To = T0.AddMinutes(1), Kind = AuditKinds.Change })).Select(e => e.Sequence));
        Assert.Equal(appended[0], (await log.Query(new AuditQuery { Limit = 1 }))[0]);
    }

    [SkippableFact]
    public async Task A_writer_with_a_stale_head_fails_its_batch_instead_of_forking_the_chain_and_succeeds_on_retry()
    {
        var (database, first) = await Migrated();
        await using var _ = database;
        var second = new PostgresAuditLog(database, Seal);
        await first.Append([Draft("ana", "spring")], T0);
        await second.Append([Draft("bo", "spring")], T0);

        await Assert.ThrowsAsync<PostgresException>(() => first.Append([Draft("ana", "stale")], T0.AddSeconds(1)));
        var retried = await first.Append([Draft("ana", "stale")], T0.AddSeconds(2));

        Assert.Equal(3, retried[0].Sequence);
        Assert.True((await first.Verify(null)).Intact);
    }

    [SkippableFact]
    public async Task The_table_refuses_updates_and_deletes()
    {
        var (database, log) = await Migrated();
        await using var _ = database;
        await log.Append([Draft("ana", "spring")], T0);

        await using var update = database.CreateCommand("UPDATE ma_audit_log SET principal = 'mallory'");
        await using var delete = database.CreateCommand("DELETE FROM ma_audit_log");

        Assert.Contains("append-only", (await Assert.ThrowsAsync<PostgresException>(() => update.ExecuteNonQueryAsync())).MessageText);
        Assert.Contains("append-only", (await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync())).MessageText);
        Assert.True((await log.Verify(null)).Intact);
    }

    [SkippableTheory]
    [InlineData("UPDATE ma_audit_log SET principal = 'mallory' WHERE sequence = 2", 2, "edited")]
    [InlineData("UPDATE ma_audit_log SET payload = '{}', hash = 'x' WHERE sequence = 3", 3, "edited")]
    [InlineData("DELETE FROM ma_audit_log WHERE sequence = 2", 2, "missing_or_reordered")]
    public async Task Verification_names_the_first_entry_edited_or_deleted_directly_in_the_database(string tampering, long firstBad, string problem)
    {
        var (database, log) = await Migrated();
        await using var _ = database;
        await log.Append([Draft("ana", "spring"), Draft("bo", "spring"), Draft("cy", "spring"), Draft("dee", "spring")], T0);
        Assert.True((await log.Verify(null)).Intact);

        await Tamper(database, tampering);
        var verification = await log.Verify(null);

        Assert.False(verification.Intact);
        Assert.Equal(firstBad, verification.FirstBadSequence);
        Assert.Equal(problem, verification.Problem);
    }
}
