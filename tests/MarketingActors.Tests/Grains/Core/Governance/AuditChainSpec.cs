using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CsCheck;
using MarketingActors.Core.Governance;
using MarketingActors.Governance;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Grains.Core.Governance;

public sealed class AuditChainSpec
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
    private static readonly AuditSeal Seal = new(Key);

    private static AuditChain ChainOf(int count, int capacity = 1_000)
    {
        var chain = new AuditChain(capacity, Seal);
        for (var i = 0; i < count; i++)
            chain.Append(new AuditEntry { Kind = AuditKinds.Change, Principal = "ana", CampaignId = "c" + i % 3, Payload = AuditPayload.FromJson($$"""{"n":{{i}}}""") }, T0.AddSeconds(i));
        return chain;
    }

    [Fact]
    public void Each_entry_carries_the_previous_entry_hash_and_an_untouched_chain_verifies()
    {
        var chain = ChainOf(5);
        Assert.Equal(AuditChain.Genesis, chain.Entries[0].PrevHash);
        for (var i = 1; i < 5; i++) Assert.Equal(chain.Entries[i - 1].Hash, chain.Entries[i].PrevHash);
        Assert.Equal(new AuditVerification { Intact = true, Checked = 5, LastSequence = 5, LastHash = chain.Entries[^1].Hash }, chain.Verify(null));
    }

    [Fact]
    public void An_edited_entry_is_found_even_when_the_editor_recomputes_its_hash()
    {
        var chain = ChainOf(6);
        chain.Overwrite(3, e => e with { Principal = "mallory" });
        Assert.Equal((false, 3L, "edited"), (chain.Verify(null).Intact, chain.Verify(null).FirstBadSequence, chain.Verify(null).Problem));

        // Without the key a recomputed hash (SHA-256, or an HMAC under another key) does not verify where it stands...
        var rehashed = ChainOf(6);
        rehashed.Overwrite(3, e => { var forged = e with { Principal = "mallory" }; return forged with { Hash = AuditChain.HashOf(forged) }; });
        Assert.Equal((3L, "edited"), (rehashed.Verify(null).FirstBadSequence, rehashed.Verify(null).Problem));
        var otherKey = ChainOf(6);
        otherKey.Overwrite(3, e => { var forged = e with { Principal = "mallory" }; return forged with { Hash = AuditSeal.Ephemeral().Hash(forged) }; });
        Assert.Equal((3L, "edited"), (otherKey.Verify(null).FirstBadSequence, otherKey.Verify(null).Problem));

        // ...and even with the key, the next entry's link gives the edit away.
        var insider = ChainOf(6);
        insider.Overwrite(3, e => { var forged = e with { Principal = "mallory" }; return forged with { Hash = Seal.Hash(forged) }; });
        Assert.Equal((4L, "broken_link"), (insider.Verify(null).FirstBadSequence, insider.Verify(null).Problem));
    }

    [Fact]
    public void A_chain_rewritten_from_scratch_without_the_key_fails_and_a_consistent_forgery_is_caught_by_the_checkpoint()
    {
        var chain = ChainOf(6);
        var checkpoint = Seal.Checkpoint(6, chain.Entries[^1].Hash, T0.AddMinutes(1));

        // Someone rebuilds the whole log under a key of their own: every hash is consistent with every link...
        var forged = new AuditChain(1_000, AuditSeal.Ephemeral());
        foreach (var e in chain.Entries) forged.Append(e with { Principal = "mallory" }, e.At);
        // ...but the engine, holding the real key, finds the first entry edited, and the checkpoint names the rewrite.
        var verdict = new AuditChainCheck(0, AuditChain.Genesis, Seal, checkpoint).Accept(forged.Entries[0], Seal.Scheme);
        Assert.Equal((1L, "edited"), (verdict?.FirstBadSequence, verdict?.Problem));
        var sameKey = new AuditChain(1_000, Seal);
        foreach (var e in chain.Entries) sameKey.Append(e with { Principal = "mallory" }, e.At);
        Assert.Equal((false, 6L, "rewritten_before_checkpoint"), (sameKey.Verify(checkpoint).Intact, sameKey.Verify(checkpoint).FirstBadSequence, sameKey.Verify(checkpoint).Problem));
    }

    [Fact]
    public void Cutting_off_the_newest_entries_is_found_against_the_last_checkpoint()
    {
        var chain = ChainOf(6);
        var checkpoint = Seal.Checkpoint(6, chain.Entries[^1].Hash, T0.AddMinutes(1));
        Assert.True(chain.Verify(checkpoint) is { Intact: true, CheckpointChecked: true });

        chain.Remove(6);
        chain.Remove(5);
        Assert.True(chain.Verify(null).Intact, "the shorter chain is consistent on its own");
        Assert.Equal((false, 5L, "truncated_after_checkpoint"), (chain.Verify(checkpoint).Intact, chain.Verify(checkpoint).FirstBadSequence, chain.Verify(checkpoint).Problem));
    }

    [Fact]
    public void Reordered_entries_are_found()
    {
        var chain = ChainOf(6);
        var (third, fourth) = (chain.Entries[2], chain.Entries[3]);
        chain.Overwrite(3, _ => fourth with { Sequence = 3 });
        chain.Overwrite(4, _ => third with { Sequence = 4 });
        Assert.Equal((false, 3L, "edited"), (chain.Verify(null).Intact, chain.Verify(null).FirstBadSequence, chain.Verify(null).Problem));
    }

    [Fact]
    public void A_checkpoint_is_trusted_only_as_the_key_signed_it()
    {
        var checkpoint = Seal.Checkpoint(6, AuditChain.Genesis, T0);
        Assert.True(Seal.Signed(checkpoint));
        Assert.False(Seal.Signed(checkpoint with { Sequence = 5 }));
        Assert.False(Seal.Signed(checkpoint with { Hash = new string('1', 64) }));
        Assert.False(Seal.Signed(checkpoint with { At = T0.AddTicks(1) }));
        Assert.False(AuditSeal.Ephemeral().Signed(checkpoint));
    }

    [Fact]
    public void The_keyed_hash_is_hmac_sha256_of_the_same_length_prefixed_columns()
    {
        var entry = new AuditEntry { Sequence = 7, At = T0, Kind = AuditKinds.Change, Principal = "ana", Payload = AuditPayload.FromJson("{}"), PrevHash = AuditChain.Genesis };
        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(ReferenceText(entry)))), Seal.Hash(entry));
    }

    [Fact]
    public async Task The_keyed_hash_of_an_entry_does_not_depend_on_what_was_hashed_before_it_or_on_which_thread()
    {
        var seal = new AuditSeal(Key);
        var entry = new AuditEntry { Sequence = 7, At = T0, Kind = AuditKinds.Change, Principal = "ana", Payload = AuditPayload.FromJson("""{"n":1}"""), PrevHash = AuditChain.Genesis };
        var first = seal.Hash(entry);

        seal.Hash(entry with { Sequence = 8, Payload = AuditPayload.FromJson("""{"n":"other"}""") });
        var elsewhere = await Task.Run(() => seal.Hash(entry));

        Assert.Equal(first, seal.Hash(entry));
        Assert.Equal(first, elsewhere);
        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(ReferenceText(entry)))), first);
    }

    [Fact]
    public void A_deleted_entry_is_found()
    {
        var chain = ChainOf(6);
        chain.Remove(2);
        Assert.Equal((false, 2L, "missing_or_reordered"), (chain.Verify(null).Intact, chain.Verify(null).FirstBadSequence, chain.Verify(null).Problem));
    }

    [Fact]
    public void Bounded_memory_keeps_the_newest_entries_behind_a_verifiable_anchor()
    {
        var chain = ChainOf(25, capacity: 10);
        Assert.True(chain.Entries.Count <= 10);
        Assert.Equal(25, chain.LastSequence);
        Assert.Equal(chain.AnchorHash, chain.Entries[0].PrevHash);
        Assert.True(chain.Verify(null).Intact);
    }

    [Fact]
    public void Older_entries_sealed_into_segments_still_verify_are_found_newest_first_and_give_an_edit_away()
    {
        var chain = ChainOf(400);
        Assert.Equal(125, chain.SegmentSize);
        Assert.Equal(400, chain.Count);
        Assert.Equal(Enumerable.Range(1, 400).Select(i => (long)i), chain.Entries.Select(e => e.Sequence));
        Assert.True(chain.Verify(null) is { Intact: true, Checked: 400 });

        // Entries of campaign c1 only, newest first, across the open entries and the sealed segments.
        var c1 = chain.NewestFirst(AuditSegment.KeyPrintsOf(new AuditQuery { CampaignId = "c1" })).Where(e => e.CampaignId == "c1").ToList();
        Assert.Equal(Enumerable.Range(0, 400).Where(i => i % 3 == 1).Select(i => (long)i + 1).Reverse(), c1.Select(e => e.Sequence));
        // A sealed segment without the key is not even opened: only the 25 entries not yet sealed are looked at.
        Assert.Equal(25, chain.NewestFirst(AuditSegment.KeyPrintsOf(new AuditQuery { CampaignId = "nobody" })).Count());

        chain.Overwrite(10, e => e with { Payload = AuditPayload.FromJson("""{"n":"forged"}""") });
        Assert.Equal((false, 10L, "edited"), (chain.Verify(null).Intact, chain.Verify(null).FirstBadSequence, chain.Verify(null).Problem));
        var cut = ChainOf(400);
        cut.Remove(130);
        Assert.Equal((false, 130L, "missing_or_reordered"), (cut.Verify(null).Intact, cut.Verify(null).FirstBadSequence, cut.Verify(null).Problem));
    }

    [Fact]
    public void Any_change_to_any_column_of_any_entry_breaks_verification() =>
        Gen.Int[0, 7].Select(Gen.Int[1, 8], Gen.String[1, 20]).Sample((column, sequence, text) =>
        {
            var chain = ChainOf(8);
            chain.Overwrite(sequence, e => column switch
            {
                0 => e with { Kind = e.Kind + text },
                1 => e with { Principal = e.Principal + text },
                2 => e with { CampaignId = text + "!" },
                3 => e with { CustomerRef = text },
                4 => e with { Payload = AuditPayload.FromJson(e.Payload + text) },
                5 => e with { At = e.At.AddTicks(1) },
                6 => e with { ApprovalId = text },
                _ => e with { Operation = text },
            });
            return !chain.Verify(null).Intact && chain.Verify(null).FirstBadSequence == sequence;
        });

    [Fact]
    public void A_chain_of_decisions_in_both_forms_verifies_and_any_byte_changed_in_either_breaks_it() =>
        Gen.Int[1, 6].Select(Gen.Int[0, 400], Gen.Byte[1, 255]).Sample((sequence, offset, flip) =>
        {
            var chain = new AuditChain(1_000, Seal);
            for (var i = 0; i < 6; i++)
            {
                var format = i % 2 == 0 ? DecisionPayloadFormat.Record : DecisionPayloadFormat.Json;
                chain.Append(AuditDrafts.Decision(SampleDecisions.With("d" + i, i / 7.0, 0.05m, heldOut: i == 3), "ref-" + i, format), T0.AddSeconds(i));
            }
            if (!chain.Verify(null).Intact) return false;
            chain.Overwrite(sequence, e =>
            {
                var stored = e.Payload.Stored.ToArray();
                stored[offset % stored.Length] ^= flip;
                return e with { Payload = AuditPayload.FromUtf8(stored) };
            });
            return chain.Verify(null) is { Intact: false, Problem: "edited" } v && v.FirstBadSequence == sequence;
        });

    [Fact]
    public void A_decision_record_hashes_as_its_bytes_prefixed_with_their_count()
    {
        // Multi-byte text in the record, so its byte count differs from what the bytes would count as UTF-16.
        var entry = AuditChain.Link(AuditDrafts.Decision(SampleDecisions.With("é☕", 0.5, 0.05m, heldOut: false), "ref", DecisionPayloadFormat.Record), 41, AuditChain.Genesis, T0, Seal);
        var record = entry.Payload.Stored.ToArray();
        var columns = ReferenceText(entry with { Payload = AuditPayload.Empty }).Split("2:{}|");
        byte[] reference = [.. Encoding.UTF8.GetBytes(columns[0]), .. Encoding.UTF8.GetBytes($"{record.Length}:"), .. record, (byte)'|', .. Encoding.UTF8.GetBytes(columns[1])];

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(reference)), AuditChain.HashOf(entry));
        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(Key, reference)), entry.Hash);
    }

    /// <summary>The documented row format, spelled out the slow way: stored hashes must keep verifying whatever HashOf does internally.</summary>
    private static string ReferenceHash(AuditEntry e) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ReferenceText(e))));

    private static string ReferenceText(AuditEntry e)
    {
        var text = new StringBuilder();
        foreach (var field in new[]
        {
            e.Sequence.ToString(CultureInfo.InvariantCulture), e.At.UtcTicks.ToString(CultureInfo.InvariantCulture), e.Kind,
            e.Principal, e.CampaignId, e.CustomerRef, e.SubjectId, e.Operation, e.ApprovalId, e.Payload.ToString(), e.PrevHash,
        })
        {
            text.Append(field is null ? "-1" : field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append('|');
        }
        return text.ToString();
    }

    [Fact]
    public void The_legacy_unkeyed_hash_is_sha256_of_the_length_prefixed_utf8_columns()
    {
        var entry = new AuditEntry
        {
            Sequence = 42, At = T0, Kind = AuditKinds.Decision, CampaignId = "spring", CustomerRef = "ref", SubjectId = "d1", Operation = "email",
            Payload = AuditPayload.FromJson("""{"reason":"café ☕ 𝄞"}"""), PrevHash = AuditChain.Genesis,
        };
        Assert.Equal(ReferenceHash(entry), AuditChain.HashOf(entry));
    }

    [Fact]
    public void Any_row_hashes_as_its_length_prefixed_utf8_columns() =>
        Gen.Select(Gen.Long, Gen.Long[0, DateTimeOffset.MaxValue.UtcTicks], Gen.String.Null(), Gen.String.Null(), Gen.String[0, 3000], Gen.Char.Array[0, 50])
            .Sample((sequence, ticks, principal, customerRef, payload, surrogates) =>
            {
                // Lone and split surrogates included: they must encode exactly as the whole text would.
                var entry = new AuditEntry
                {
                    Sequence = sequence, At = new DateTimeOffset(ticks, TimeSpan.Zero), Kind = new string(surrogates), Principal = principal,
                    CustomerRef = customerRef, Payload = AuditPayload.FromJson(payload), PrevHash = payload.Length % 2 == 0 ? "" : AuditChain.Genesis,
                };
                return AuditChain.HashOf(entry) == ReferenceHash(entry);
            });
}
