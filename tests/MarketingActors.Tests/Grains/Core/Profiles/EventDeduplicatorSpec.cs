using CsCheck;
using MarketingActors.Core.Profiles;

namespace MarketingActors.Tests.Grains.Core.Profiles;

public class EventDeduplicatorSpec
{
    [Fact]
    public void Detects_a_re_sent_event()
    {
        var dedup = new EventDeduplicator();
        Assert.True(dedup.TryRecord("e1"));
        Assert.True(dedup.HasSeen("e1"));
        Assert.False(dedup.TryRecord("e1"));
        Assert.True(dedup.TryRecord("E1")); // ids are case-sensitive
    }

    [Fact]
    public void Forgets_the_oldest_ids_once_the_window_is_full_and_stays_bounded()
    {
        const int extra = 100;
        var dedup = new EventDeduplicator();
        for (var i = 0; i < EventDeduplicator.Window + extra; i++) Assert.True(dedup.TryRecord($"e{i}"));

        Assert.Equal(EventDeduplicator.Window, dedup.Count);
        for (var i = 0; i < extra; i++) Assert.False(dedup.HasSeen($"e{i}"), $"e{i} should have been forgotten");
        for (var i = extra; i < EventDeduplicator.Window + extra; i++) Assert.True(dedup.HasSeen($"e{i}"), $"e{i} should still be remembered");

        Assert.True(dedup.TryRecord("e0")); // forgotten: accepted again
        Assert.False(dedup.HasSeen($"e{extra}")); // and it pushed out the next oldest
        Assert.Equal(EventDeduplicator.Window, dedup.Count);
    }

    [Fact]
    public void Memory_stays_bounded_over_many_ids()
    {
        var dedup = new EventDeduplicator();
        for (var i = 0; i < 10 * EventDeduplicator.Window; i++) dedup.TryRecord($"e{i}");
        Assert.Equal(EventDeduplicator.Window, dedup.Count);
        Assert.Equal(EventDeduplicator.Window, dedup.Prints.Distinct().Count());
    }

    [Fact]
    public void A_deduplicator_restored_from_its_persisted_ring_keeps_detecting_and_evicting_in_order()
    {
        var original = new EventDeduplicator();
        for (var i = 0; i < EventDeduplicator.Window + 10; i++) original.TryRecord($"e{i}");

        var restored = new EventDeduplicator { Prints = [.. original.Prints], Next = original.Next };
        Assert.False(restored.TryRecord("e500"));
        Assert.True(restored.HasSeen("e10"));
        Assert.True(restored.TryRecord("new"));
        Assert.False(restored.HasSeen("e10")); // the oldest remaining id went first
        Assert.True(restored.HasSeen("e11"));
    }

    [Fact]
    public void A_state_that_stored_the_ids_themselves_keeps_its_window_order_and_keeps_no_id_once_used()
    {
        // What engines before fingerprints wrote: a full ring of ids whose oldest is at Next.
        var ids = Enumerable.Range(0, EventDeduplicator.Window).Select(i => $"e{i}").ToList();
        var rotated = ids.Skip(10).Concat(ids.Take(10)).ToList();
        var stored = new EventDeduplicator { Ring = rotated, Next = EventDeduplicator.Window - 10 };

        Assert.False(stored.TryRecord("e0"));
        Assert.True(stored.TryRecord("new"));
        Assert.False(stored.HasSeen("e0")); // the oldest went first, as before
        Assert.True(stored.HasSeen("e1"));
        Assert.Null(stored.Ring);
        Assert.Equal(EventDeduplicator.Window, stored.Prints.Count);
    }

    [Fact]
    public void A_merged_profile_brings_its_ids_along_oldest_first()
    {
        var anonymous = new EventDeduplicator();
        for (var i = 0; i < 20; i++) anonymous.TryRecord($"a{i}", window: 16);
        var known = new EventDeduplicator();
        known.TryRecord("k0", window: 16);

        known.Absorb(anonymous, window: 16);

        Assert.True(known.HasSeen("a19") && known.HasSeen("a4"));
        Assert.False(known.HasSeen("a3")); // it fell out of the anonymous window already
        Assert.False(known.HasSeen("k0")); // 1 + 16 ids in a window of 16: the oldest went
        Assert.Equal(16, known.Count);
    }

    [Fact]
    public void Fingerprints_are_stable_and_spread()
    {
        Assert.Equal(EventDeduplicator.Fingerprint("evt-42"), EventDeduplicator.Fingerprint(new string("evt-42".ToCharArray())));
        // The value stored dedup windows hold for this id: a change to the function would forget every stored window.
        Assert.Equal(5123020963231081635UL, EventDeduplicator.Fingerprint("evt-42"));
        var prints = Enumerable.Range(0, 200_000).Select(i => EventDeduplicator.Fingerprint($"evt-{i}")).ToHashSet();
        Assert.Equal(200_000, prints.Count);
    }

    [Theory]
    [InlineData(8)] // a scan of the fingerprints, never a set
    [InlineData(40)] // a scan, then a set once past 32
    [InlineData(EventDeduplicator.Window)]
    public void Behaves_like_a_window_over_the_last_accepted_ids(int window)
    {
        // Model: a FIFO of the last window's accepted ids.
        Gen.Int[0, window * 3 / 2].Array[1, 3 * window].Sample(ids =>
        {
            var dedup = new EventDeduplicator();
            var fifo = new Queue<string>();
            var inFifo = new HashSet<string>();
            foreach (var n in ids)
            {
                var id = $"e{n}";
                var expected = !inFifo.Contains(id);
                Assert.Equal(expected, dedup.TryRecord(id, window));
                if (!expected) continue;
                fifo.Enqueue(id);
                inFifo.Add(id);
                if (fifo.Count > window) inFifo.Remove(fifo.Dequeue());
            }
            Assert.True(dedup.Count <= window);
        }, iter: 100);
    }
}
