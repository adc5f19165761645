using CsCheck;
using MarketingActors.Core.Profiles;

namespace MarketingActors.Tests.Grains.Core.Profiles;

public class RingIndexSpec
{
    /// <summary>A fingerprint whose home slot (its low bits) is <paramref name="home"/>, distinct by <paramref name="n"/>.</summary>
    private static ulong Print(int home, int n) => ((ulong)(n + 1) << 32) | (uint)home;

    [Fact]
    public void Finds_what_the_ring_holds_when_every_fingerprint_shares_one_home_at_the_end_of_the_table()
    {
        // 64 slots at least: homes 62 and 63 make every probe run wrap past the last slot.
        var ring = Enumerable.Range(0, 20).Select(n => Print(62 + n % 2, n)).ToList();
        var index = new RingIndex(ring);

        Assert.All(ring, print => Assert.True(index.Contains(ring, print)));
        Assert.False(index.Contains(ring, Print(62, 99)));
        Assert.False(index.Contains(ring, Print(0, 0)));
    }

    [Fact]
    public void A_forgotten_position_is_not_found_and_the_entries_probed_past_it_still_are()
    {
        var ring = Enumerable.Range(0, 10).Select(n => Print(63, n)).ToList();
        var index = new RingIndex(ring);

        index.Remove(ring, 0); // the head of the run: everything after it shifts back
        ring[0] = Print(5, 50);
        index.Add(ring, 0);

        Assert.False(index.Contains(ring, Print(63, 0)));
        Assert.All(ring, print => Assert.True(index.Contains(ring, print)));
    }

    [Fact]
    public void Grows_as_the_ring_fills_and_keeps_every_fingerprint()
    {
        var ring = new List<ulong>();
        var index = new RingIndex(ring);
        for (var n = 0; n < 1_000; n++)
        {
            ring.Add(Print(n % 7, n));
            index.Add(ring, ring.Count - 1);
        }
        Assert.All(ring, print => Assert.True(index.Contains(ring, print)));
        Assert.False(index.Contains(ring, Print(3, 5_000)));
    }

    [Fact]
    public void A_table_past_65536_slots_takes_its_homes_from_the_ring_and_still_forgets_and_finds()
    {
        // 33,000 fingerprints need 2^17 slots: a slot's tag no longer holds the whole home. Their homes crowd into
        // 40,000–99,999, past what the tag holds, so runs merge and forgetting shifts entries by their homes; every
        // 40th shares the table's last home, so its run wraps.
        var ring = Enumerable.Range(0, 33_000).Select(n => Print(n % 40 == 0 ? 131_071 : 40_000 + n * 7_919 % 60_000, n)).ToList();
        var index = new RingIndex(ring);
        var forgotten = new List<ulong>();
        for (var position = 0; position < 33_000; position += 11)
        {
            forgotten.Add(ring[position]);
            index.Remove(ring, position);
            ring[position] = Print(131_071, 100_000 + position);
            index.Add(ring, position);
        }

        Assert.All(ring, print => Assert.True(index.Contains(ring, print)));
        Assert.All(forgotten, print => Assert.False(index.Contains(ring, print)));
    }

    [Fact]
    public void Behaves_like_a_set_of_the_ring_under_any_turnover_of_colliding_fingerprints()
    {
        // Few homes around the table's end, so runs collide, merge and wrap; a window of 24 in 64 slots.
        // Fingerprints of one home differ in their tags (the bits above the home) or only above the tag, which only the ring tells apart.
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 23], Gen.Int[0, 2]).Array[1, 400].Sample(steps =>
        {
            var ring = new List<ulong>();
            var index = new RingIndex(ring);
            var used = new List<ulong>();
            var n = 0;
            foreach (var (home, position, tag) in steps)
            {
                var print = Print((tag << 6) | (61 + home) % 64, n++);
                used.Add(print);
                if (ring.Count < 24)
                {
                    ring.Add(print);
                    index.Add(ring, ring.Count - 1);
                    continue;
                }
                index.Remove(ring, position);
                ring[position] = print;
                index.Add(ring, position);
            }
            var held = ring.ToHashSet();
            Assert.All(used, print => Assert.Equal(held.Contains(print), index.Contains(ring, print)));
        }, iter: 300);
    }
}
