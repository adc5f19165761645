using MarketingActors.Core.Governance;

namespace MarketingActors.Tests.Grains.Core.Governance;

public sealed class SegmentStoreSpec
{
    private static byte[] Segment(int number, int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(number * 31 + i))];

    [Fact]
    public void Every_kept_segment_reads_back_as_it_was_given()
    {
        var store = new SegmentStore();
        var random = new Random(7);
        var kept = Enumerable.Range(0, 200).Select(n => Segment(n, random.Next(1, 40_000))).Select(bytes => (bytes, slot: store.Keep(bytes))).ToList();

        foreach (var (bytes, slot) in kept) Assert.Equal(bytes, slot.Bytes.ToArray());
        Assert.True(store.BuffersInUse > 1);
    }

    [Fact]
    public void Segments_dropped_oldest_first_free_their_buffers_for_the_next_ones_without_touching_those_still_kept()
    {
        var store = new SegmentStore();
        var kept = new Queue<(int Number, SegmentStore.Slot Slot)>();
        var mostBuffers = 0;
        var everyBuffer = new HashSet<SegmentStore.Buffer>();
        for (var n = 0; n < 5_000; n++)
        {
            var slot = store.Keep(Segment(n, 20_000));
            everyBuffer.Add(slot.In);
            kept.Enqueue((n, slot));
            if (kept.Count > 20) store.Drop(kept.Dequeue().Slot);
            mostBuffers = Math.Max(mostBuffers, store.BuffersInUse);
        }

        // 20 segments of 20 KB fill two buffers of 256 KB; a third is being filled while the oldest
        // empties; 100 MB went through the same few.
        Assert.InRange(mostBuffers, 2, 3);
        Assert.InRange(everyBuffer.Count, 2, 4);
        foreach (var (number, slot) in kept) Assert.Equal(Segment(number, 20_000), slot.Bytes.ToArray());
    }

    [Fact]
    public void A_segment_larger_than_a_buffer_gets_one_of_its_own_and_gives_it_back_when_dropped()
    {
        var store = new SegmentStore();
        var small = store.Keep(Segment(1, 100));
        var large = Segment(2, SegmentStore.BufferSize + 1);

        var slot = store.Keep(large);
        Assert.Equal(2, store.BuffersInUse);
        Assert.Equal(large, slot.Bytes.ToArray());

        store.Drop(slot);
        Assert.Equal(1, store.BuffersInUse);
        Assert.Equal(Segment(1, 100), small.Bytes.ToArray());
    }
}
