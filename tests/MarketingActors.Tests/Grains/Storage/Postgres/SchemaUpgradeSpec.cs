using MarketingActors.Core.Governance;
using MarketingActors.Governance;
using MarketingActors.Storage;
using MarketingActors.Storage.Postgres;
using MarketingActors.Telemetry;
using MarketingActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MarketingActors.Tests.Grains.Storage.Postgres;

/// <summary>A database an older engine wrote, upgraded in place: nothing journaled or audited is lost, and its guarantees carry over.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SchemaUpgradeSpec(PostgresServer postgres)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static async Task Run(string database, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) command.Parameters.AddWithValue(p);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>What the engine before schema 008 appended: the same columns, hashed with plain SHA-256.</summary>
    private static async Task<AuditEntry> AppendUnkeyed(string database, AuditEntry? previous, string principal)
    {
        var entry = new AuditEntry
        {
            Sequence = (previous?.Sequence ?? 0) + 1, At = T0.AddMinutes(previous?.Sequence ?? 0), Kind = AuditKinds.Change, Principal = principal,
            Operation = "update_campaign", Payload = AuditPayload.Empty, PrevHash = previous?.Hash ?? AuditChain.Genesis,
        };
        entry = entry with { Hash = AuditChain.HashOf(entry) };
        await Run(database, "INSERT INTO ma_audit_log (sequence, at, kind, principal, operation, payload, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            entry.Sequence, entry.At.UtcDateTime, entry.Kind, entry.Principal!, entry.Operation!, entry.Payload.ToString(), entry.PrevHash, entry.Hash);
        return entry;
    }

    [SkippableFact]
    public async Task An_unkeyed_audit_log_upgrades_in_place_keeps_every_entry_and_is_keyed_from_then_on()
    {
        var database = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(database, through: "007_journal_event_ids");
        AuditEntry? last = null;
        foreach (var who in new[] { "ana", "bo", "cy" }) last = await AppendUnkeyed(database, last, who);

        await ClusterDatabase.Migrate(database);
        await using var source = NpgsqlDataSource.Create(database);
        var seal = AuditSeal.Ephemeral();
        var log = new PostgresAuditLog(source, seal);
        var appended = await log.Append([new AuditEntry { Kind = AuditKinds.Change, Principal = "dee", Payload = AuditPayload.Empty }], T0.AddHours(1));

        Assert.Equal((4L, last!.Hash), (appended[0].Sequence, appended[0].PrevHash));
        var verification = await log.Verify(null);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(4, verification.Checked);
        Assert.Equal(new[] { AuditSeal.LegacyScheme, AuditSeal.LegacyScheme, AuditSeal.LegacyScheme, seal.Scheme }, (await StoredAudit.Entries(database)).Select(e => e.Scheme));
    }

    [SkippableFact]
    public async Task The_legacy_scheme_cannot_be_used_to_rewrite_keyed_entries_and_a_cut_off_tail_shows_against_the_checkpoint()
    {
        var database = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(database);
        await using var source = NpgsqlDataSource.Create(database);
        var seal = AuditSeal.Ephemeral();
        var log = new PostgresAuditLog(source, seal);
        var entries = await log.Append([.. new[] { "ana", "bo", "cy", "dee" }.Select(p => new AuditEntry { Kind = AuditKinds.Change, Principal = p, Payload = AuditPayload.Empty })], T0);
        var checkpoint = seal.Checkpoint(4, entries[^1].Hash, T0.AddMinutes(1));

        // A rewrite of entry 3 as if it were an old unkeyed one, its hash recomputed without the key.
        var forged = entries[2] with { Principal = "mallory", Hash = "" };
        forged = forged with { Hash = AuditChain.HashOf(forged) };
        await StoredAudit.Rewrite(database, 1, stored => stored.Select(e => e.Entry.Sequence == 3 ? new AuditSegment.Sealed(forged, AuditSeal.LegacyScheme) : e));
        var rewritten = await log.Verify(null);
        Assert.Equal((false, 3L, "edited"), (rewritten.Intact, rewritten.FirstBadSequence, rewritten.Problem));

        await StoredAudit.Rewrite(database, 1, stored => stored.Where(e => e.Entry.Sequence < 3));
        Assert.True((await log.Verify(null)).Intact, "the shorter chain holds on its own");
        var cut = await log.Verify(checkpoint);
        Assert.Equal((false, 3L, "truncated_after_checkpoint"), (cut.Intact, cut.FirstBadSequence, cut.Problem));
    }

    /// <summary>What the engine before schema 010 appended: one row per entry in ma_audit_log, keyed.</summary>
    private static async Task<List<AuditEntry>> AppendRows(string database, AuditSeal seal, int count)
    {
        var entries = new List<AuditEntry>();
        var (sequence, hash) = (0L, AuditChain.Genesis);
        for (var i = 1; i <= count; i++)
        {
            var decision = i % 3 == 0;
            var draft = new AuditEntry
            {
                Kind = decision ? AuditKinds.Decision : AuditKinds.Change, Principal = decision ? null : $"agent-{i % 4}", CampaignId = $"c{i % 3}",
                CustomerRef = decision ? $"ref-{i % 7}" : null, SubjectId = decision ? $"d{i}" : null, Operation = decision ? "app-card" : "update_campaign",
                ApprovalId = i % 50 == 0 ? $"appr-{i}" : null, Payload = AuditPayload.FromJson($$"""{"i":{{i}},"note":"ünïcødé ✓ 🎯"}"""),
            };
            var entry = AuditChain.Link(draft, sequence, hash, T0.AddSeconds(i).AddTicks(10 * i), seal);
            entries.Add(entry);
            (sequence, hash) = (entry.Sequence, entry.Hash);
        }
        await Run(database,
            """
            INSERT INTO ma_audit_log (sequence, at, kind, principal, campaign_id, customer_ref, subject_id, operation, approval_id, payload, prev_hash, hash, seal)
            SELECT *, $12 FROM unnest($1::bigint[], $2::timestamptz[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], $7::varchar[], $8::varchar[], $9::varchar[], $10::text[], $11::char(64)[], $13::char(64)[])
            """,
            entries.Select(e => e.Sequence).ToArray(), entries.Select(e => e.At.UtcDateTime).ToArray(), entries.Select(e => e.Kind).ToArray(),
            entries.Select(e => e.Principal).ToArray(), entries.Select(e => e.CampaignId).ToArray(), entries.Select(e => e.CustomerRef).ToArray(),
            entries.Select(e => e.SubjectId).ToArray(), entries.Select(e => e.Operation).ToArray(), entries.Select(e => e.ApprovalId).ToArray(),
            entries.Select(e => e.Payload.ToString()).ToArray(), entries.Select(e => e.PrevHash).ToArray(), seal.Scheme, entries.Select(e => e.Hash).ToArray());
        return entries;
    }

    [SkippableFact]
    public async Task An_audit_log_of_rows_moves_into_segments_in_place_with_every_entry_exact_verifiable_and_found()
    {
        var database = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(database, through: "009_delivery_outbox");
        var seal = AuditSeal.Ephemeral();
        var written = await AppendRows(database, seal, 2_345);
        await Run(database, "INSERT INTO ma_event_journal (customer_id, sequence, event_id, payload) SELECT 'ann', s, 'e' || s, '{}'::bytea FROM generate_series(1, 40) s");

        Assert.Equal(new[] { "010_audit_segments" }, await ClusterDatabase.Migrate(database, through: "010_audit_segments"));

        Assert.Equal(written, (await StoredAudit.Entries(database)).Select(e => e.Entry));
        Assert.Equal(3L, await DatabaseRows.Count(database, "SELECT count(*) FROM ma_audit_segment"));
        Assert.Equal(40L, await DatabaseRows.Count(database, "SELECT count(*) FROM ma_event_journal"));
        await using var source = NpgsqlDataSource.Create(database);
        var log = new PostgresAuditLog(source, seal);
        var verification = await log.Verify(null);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal((2_345L, written[^1].Hash), (verification.Checked, verification.LastHash));
        Assert.Equal(written.Where(e => e.CustomerRef == "ref-3").Reverse().Take(100), await log.Query(new AuditQuery { CustomerRef = "ref-3" }));
        Assert.Equal(new[] { written[1_499] }, await log.Query(new AuditQuery { SubjectId = "d1500" }));
        Assert.Equal(written.Where(e => e.Principal == "agent-1" && e.At >= T0.AddSeconds(1_000)).Reverse().Take(5),
            await log.Query(new AuditQuery { Principal = "agent-1", From = T0.AddSeconds(1_000), Limit = 5 }));

        var appended = await log.Append([new AuditEntry { Kind = AuditKinds.Change, Principal = "dee", Payload = AuditPayload.Empty }], T0.AddHours(2));
        Assert.Equal((2_346L, written[^1].Hash), (appended[0].Sequence, appended[0].PrevHash));
        Assert.True((await log.Verify(null)).Intact);
    }

    [SkippableFact]
    public async Task A_journal_with_an_event_applied_twice_keeps_its_first_copy_and_then_refuses_any_repeat()
    {
        var database = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(database, through: "006_customer_snapshots");
        // What an engine with only a per-customer window of ids journaled: the same event twice, far apart.
        foreach (var (sequence, eventId) in new[] { (1L, "e1"), (2L, "e2"), (3L, "e1"), (4L, "e3") })
            await Run(database, "INSERT INTO ma_event_journal (customer_id, sequence, event_id, payload) VALUES ('ann', $1, $2, $3)", sequence, eventId, "{}"u8.ToArray());

        await ClusterDatabase.Migrate(database);

        Assert.Equal(3L, await DatabaseRows.Count(database, "SELECT count(*) FROM ma_event_journal WHERE customer_id = 'ann'"));
        Assert.Equal(1L, await DatabaseRows.Count(database, "SELECT count(*) FROM ma_event_journal WHERE event_id = 'e1' AND sequence = 1"));
        await Assert.ThrowsAsync<PostgresException>(() => Run(database,
            "INSERT INTO ma_event_journal (customer_id, sequence, event_id, payload) VALUES ('ann', 5, 'e2', $1)", "{}"u8.ToArray()));
    }

    [SkippableFact]
    public async Task Journal_and_snapshots_written_before_the_hash_partitions_move_over_whole_and_keep_refusing_a_resent_event()
    {
        var database = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(database, through: "010_audit_segments");
        for (var c = 0; c < 40; c++)
        {
            for (var s = 1; s <= 3; s++)
                await Run(database, "INSERT INTO ma_event_journal (customer_id, sequence, event_id, payload) VALUES ($1, $2, $3, $4)",
                    $"c{c}", (long)s, $"c{c}-e{s}", System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(TestEvents.Of($"c{c}", "page_view", eventId: $"c{c}-e{s}")));
            await Run(database, "INSERT INTO ma_customer_snapshots (customer_id, version, payload) VALUES ($1, $2, $3)", $"c{c}", 7L, new byte[] { (byte)c });
        }

        await ClusterDatabase.Migrate(database);

        Assert.Equal(120, await DatabaseRows.Count(database, "SELECT count(*) FROM ma_event_journal"));
        Assert.Equal(40, await DatabaseRows.Count(database, "SELECT count(*) FROM ma_customer_snapshots WHERE version = 7"));
        Assert.Equal(2, await DatabaseRows.Count(database, "SELECT count(*) FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid WHERE c.relname IN ('ma_event_journal', 'ma_customer_snapshots')"));
        // Spread over the partitions, not piled in one.
        Assert.True(await DatabaseRows.Count(database, "SELECT count(DISTINCT tableoid) FROM ma_event_journal") >= 8);
        // A re-sent event is still refused whatever its age, and the journal reads every customer's tail from the partitions.
        await using var source = NpgsqlDataSource.Create(database);
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var journal = new PostgresEventJournal(source, Options.Create(new JournalOptions()), new EngineMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            NullLogger<PostgresEventJournal>.Instance);
        await journal.StartAsync(CancellationToken.None);
        var known = await journal.Append("c5", [new JournalEntry(4, TestEvents.Of("c5", "page_view", eventId: "c5-e2")), new JournalEntry(5, TestEvents.Of("c5", "page_view", eventId: "c5-e9"))]);
        Assert.Equal(["c5-e2"], known);
        Assert.Equal(["c5-e2", "c5-e3", "c5-e9"], (await journal.ReadAfter("c5", 1)).Select(e => e.Event.EventId));
        await journal.StopAsync(CancellationToken.None);
    }
}
