using System.Numerics;

namespace MarketingActors.Core.Profiles;

/// <summary>
/// Where in a deduplicator's ring each fingerprint sits: open addressing with linear probing over
/// a power-of-two table of ring positions (stored + 1, so 0 is an empty slot), never more than half
/// full. The fingerprint itself is read from the ring, so the index holds 4 bytes a slot: 8 KB
/// beside a full window of 1,024, where a <c>HashSet&lt;ulong&gt;</c> kept a second copy of every
/// fingerprint in 16-byte entries plus buckets (≈ 27 KB at its 1,361 slots) — most of what a
/// customer with a full window weighs. Fingerprints are already mixed (SplitMix64's finalizer),
/// so their low bits are the home slot. Above the position, a slot keeps the fingerprint's next
/// bits as a tag: a probe reads the ring (a cache miss in a silo holding many customers) only for
/// an entry whose tag matches, and forgetting a position shifts its run back without reading the
/// ring at all while the tag holds the whole home (tables of up to 65,536 slots: windows of up to
/// 32,768, the default 1,024 among them).
/// </summary>
internal sealed class RingIndex
{
    private const int MinimumSlots = 64;

    /// <summary>The largest table whose tags hold a whole home: a slot's position and tag share 32 bits.</summary>
    private const int TagHoldsHomeUpTo = 1 << 16;

    private int[] _slots = [];
    /// <summary>log2 of the table's size: the bits a slot's position (stored + 1) takes, and the home's.</summary>
    private int _shift;

    public RingIndex(List<ulong> ring) => Build(ring);

    private int Mask => _slots.Length - 1;

    public bool Contains(List<ulong> ring, ulong print)
    {
        var tag = Tag(print);
        for (var i = Home(print); _slots[i] != 0; i = (i + 1) & Mask)
        {
            var slot = _slots[i];
            if ((uint)slot >> _shift == tag && ring[(slot & Mask) - 1] == print) return true;
        }
        return false;
    }

    /// <summary>
    /// Indexes the fingerprint the ring now holds at <paramref name="position"/>. The index holds
    /// every other position of the ring, so the ring's length says how full it is: only an append
    /// can outgrow the table, and then the whole ring, the new position with it, is indexed afresh.
    /// </summary>
    public void Add(List<ulong> ring, int position)
    {
        if (2 * ring.Count > _slots.Length) Build(ring);
        else Place(ring, position);
    }

    /// <summary>
    /// Forgets <paramref name="position"/> while the ring still holds its fingerprint there. The
    /// entries after it in its probe run shift back into the gap (no tombstones), so a full window
    /// that turns over forever keeps its probe runs as short as a fresh table's.
    /// </summary>
    public void Remove(List<ulong> ring, int position)
    {
        var gap = Home(ring[position]);
        while ((_slots[gap] & Mask) != position + 1) gap = (gap + 1) & Mask;
        for (var next = (gap + 1) & Mask; _slots[next] != 0; next = (next + 1) & Mask)
        {
            // An entry may fill the gap when the gap lies between its home and where it sits now.
            var home = HomeOf(ring, _slots[next]);
            if (((next - home) & Mask) < ((next - gap) & Mask)) continue;
            _slots[gap] = _slots[next];
            gap = next;
        }
        _slots[gap] = 0;
    }

    private void Place(List<ulong> ring, int position)
    {
        var print = ring[position];
        var i = Home(print);
        while (_slots[i] != 0) i = (i + 1) & Mask;
        _slots[i] = (int)(Tag(print) << _shift) | (position + 1);
    }

    private void Build(List<ulong> ring)
    {
        _slots = new int[SlotsFor(ring.Count)];
        _shift = BitOperations.Log2((uint)_slots.Length);
        for (var position = 0; position < ring.Count; position++) Place(ring, position);
    }

    private int Home(ulong print) => (int)print & Mask;

    /// <summary>The fingerprint's low bits that fit above a position: its home and, in tables up to <see cref="TagHoldsHomeUpTo"/>, more.</summary>
    private uint Tag(ulong print) => (uint)print & (uint.MaxValue >> _shift);

    private int HomeOf(List<ulong> ring, int slot) =>
        _slots.Length <= TagHoldsHomeUpTo ? (int)((uint)slot >> _shift) & Mask : Home(ring[(slot & Mask) - 1]);

    private static int SlotsFor(int entries) => Math.Max(MinimumSlots, (int)BitOperations.RoundUpToPowerOf2((uint)(2 * entries)));
}
