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
        new() { Kind = kind, Principal = principal, CampaignId = campaign, CustomerRef = customerRef, Operation = "update_campaign", Payload = AuditPayload.FromJson($$"""{"by":"{{principal}}"}""") };

    private async Task<(string ConnectionString, NpgsqlDataSource Database, PostgresAuditLog Log)> Migrated()
    {
        var connectionString = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(connectionString);
        var database = NpgsqlDataSource.Create(connectionString);
        return (connectionString, database, new PostgresAuditLog(database, Seal));
    }

    [SkippableFact]
    public async Task Batches_chain_across_writers_and_queries_are_answered_from_the_table()
    {
        var (_, database, log) = await Migrated();
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
        var (_, database, first) = await Migrated();
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
        var (_, database, log) = await Migrated();
        await using var _ = database;
        await log.Append([Draft("ana", "spring")], T0);

        await using var update = database.CreateCommand("UPDATE ma_audit_segment SET keys = '{}'");
        await using var delete = database.CreateCommand("DELETE FROM ma_audit_segment");

        Assert.Contains("append-only", (await Assert.ThrowsAsync<PostgresException>(() => update.ExecuteNonQueryAsync())).MessageText);
        Assert.Contains("append-only", (await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync())).MessageText);
        Assert.True((await log.Verify(null)).Intact);
    }

    [SkippableFact]
    public async Task A_batch_is_one_stored_segment_whose_entries_read_back_exactly()
    {
        var (connectionString, database, log) = await Migrated();
        await using var _ = database;

        var appended = await log.Append([Draft("ana", "spring", "ref-é", AuditKinds.Decision) with { Payload = AuditPayload.FromJson("""{"note":"ünïcødé ✓ 🎯"}""") }, Draft("bo", "spring")], T0.AddTicks(17));

        Assert.Equal(1, await DatabaseRows.Count(connectionString, "SELECT count(*) FROM ma_audit_segment"));
        Assert.Equal(appended, (await StoredAudit.Entries(connectionString)).Select(e => e.Entry));
        Assert.All(await StoredAudit.Entries(connectionString), e => Assert.Equal(Seal.Scheme, e.Scheme));
    }

    /// <summary>Four entries in one segment, then one edit by someone with database access: what verification says.</summary>
    private async Task<AuditVerification> VerifiedAfter(Func<string, Task> tamper)
    {
        var (connectionString, database, log) = await Migrated();
        await using var _ = database;
        await log.Append([Draft("ana", "spring"), Draft("bo", "spring"), Draft("cy", "spring"), Draft("dee", "spring")], T0);
        Assert.True((await log.Verify(null)).Intact);
        await tamper(connectionString);
        return await log.Verify(null);
    }

    [SkippableFact]
    public async Task An_entry_edited_inside_its_segment_is_named()
    {
        var verification = await VerifiedAfter(db => StoredAudit.Rewrite(db, 1, entries =>
            entries.Select(e => e.Entry.Sequence == 2 ? e with { Entry = e.Entry with { Principal = "mallory" } } : e)));

        Assert.Equal((false, 2L, "edited"), (verification.Intact, verification.FirstBadSequence, verification.Problem));
    }

    [SkippableFact]
    public async Task An_entry_whose_hash_was_replaced_is_named()
    {
        var verification = await VerifiedAfter(db => StoredAudit.Rewrite(db, 1, entries =>
            entries.Select(e => e.Entry.Sequence == 3 ? e with { Entry = e.Entry with { Payload = AuditPayload.FromJson("{}"), Hash = "x" } } : e)));

        Assert.Equal((false, 3L, "edited"), (verification.Intact, verification.FirstBadSequence, verification.Problem));
    }

    [SkippableFact]
    public async Task An_entry_removed_from_its_segment_is_named()
    {
        var verification = await VerifiedAfter(db => StoredAudit.Rewrite(db, 1, entries => entries.Where(e => e.Entry.Sequence != 2)));

        Assert.Equal((false, 2L, "missing_or_reordered"), (verification.Intact, verification.FirstBadSequence, verification.Problem));
    }

    [SkippableFact]
    public async Task A_key_removed_to_hide_an_entry_from_queries_is_caught()
    {
        var verification = await VerifiedAfter(db => StoredAudit.Tamper(db, "UPDATE ma_audit_segment SET keys = array_remove(keys, 'p:bo')"));

        Assert.Equal((false, 1L, "segment_edited"), (verification.Intact, verification.FirstBadSequence, verification.Problem));
    }

    [SkippableFact]
    public async Task A_body_that_no_longer_decodes_is_caught()
    {
        var verification = await VerifiedAfter(db => StoredAudit.Tamper(db, @"UPDATE ma_audit_segment SET entries = '\x0001'::bytea"));

        Assert.Equal((false, 1L, "segment_edited"), (verification.Intact, verification.FirstBadSequence, verification.Problem));
    }

    [SkippableFact]
    public async Task A_range_that_no_longer_matches_its_entries_is_caught()
    {
        var verification = await VerifiedAfter(db => StoredAudit.Tamper(db, "UPDATE ma_audit_segment SET last_sequence = 3"));

        Assert.Equal((false, 1L, "segment_edited"), (verification.Intact, verification.FirstBadSequence, verification.Problem));
    }
}
