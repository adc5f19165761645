using MarketingActors.Core.Customers;
namespace MarketingActors.Core.Profiles;

/// <summary>
/// Remembers the last event ids of a customer (<see cref="CustomerOptions.DedupWindow"/>, 1,024
/// by default) so that re-sent events are applied once without a database read. Bounded memory:
/// the oldest id is forgotten when a new one arrives at capacity. Past the window, cluster mode's
/// journal still refuses an id it holds; embedded mode, which journals nothing, applies it again.
/// It keeps a 64-bit fingerprint of each id, not the id: a string kept per event lived long enough
/// to be promoted through every generation of the collector and die in the last, which made
/// collections the largest cost of a silo taking page views. Two ids of one customer sharing a
/// fingerprint within its window is a 1 in 10¹³ event (the second would be taken for a re-send).
/// </summary>
[GenerateSerializer, Alias("ma.event-dedup")]
public sealed class EventDeduplicator
{
    public const int Window = 1024;

    /// <summary>The ids themselves, as engines before fingerprints stored them; turned into <see cref="Prints"/> on first use.</summary>
    [Id(0)] public List<string>? Ring { get; set; }
    [Id(1)] public int Next { get; set; }
    /// <summary>Fingerprints in arrival order until the window fills, then a ring whose oldest entry is at <see cref="Next"/>.</summary>
    [Id(2)] public List<ulong> Prints { get; set; } = [];

    /// <summary>Up to this many fingerprints a scan is as quick as a hash lookup, and most customers hold fewer: no index for them.</summary>
    private const int ScanLimit = 32;

    /// <summary>Built from <see cref="Prints"/> when first needed (after a restore too), then kept in step with the ring.</summary>
    [NonSerialized] private RingIndex? _index;

    public int Count => Ring is { Count: > 0 } ? Ring.Count : Prints.Count;

    public bool HasSeen(string eventId) => Contains(Fingerprint(eventId));

    /// <summary>Returns false when the id was already seen within the window of <paramref name="window"/> ids.</summary>
    public bool TryRecord(string eventId, int window = Window) => TryRecord(Fingerprint(eventId), window);

    /// <summary>Remembers another deduplicator's ids too (a merged profile's), oldest first.</summary>
    public void Absorb(EventDeduplicator other, int window)
    {
        var prints = other.Upgraded();
        for (var i = 0; i < prints.Count; i++) TryRecord(prints[(other.Next + i) % prints.Count], window);
    }

    private bool TryRecord(ulong print, int window)
    {
        if (Contains(print)) return false;
        if (Prints.Count < window)
        {
            Prints.Add(print);
            _index?.Add(Prints, Prints.Count - 1);
            return true;
        }
        // A window lowered since this ring filled keeps the ring's size: the setting applies as rings grow.
        Next %= Prints.Count;
        _index?.Remove(Prints, Next);
        Prints[Next] = print;
        _index?.Add(Prints, Next);
        Next = (Next + 1) % Prints.Count;
        return true;
    }

    private bool Contains(ulong print)
    {
        var prints = Upgraded();
        if (_index is null && prints.Count <= ScanLimit) return prints.Contains(print);
        _index ??= new RingIndex(prints);
        return _index.Contains(prints, print);
    }

    /// <summary>The fingerprints, taking over the ids a state from before them stored (same ring order, same position).</summary>
    private List<ulong> Upgraded()
    {
        if (Ring is not { Count: > 0 }) return Prints;
        Prints = Ring.ConvertAll(Fingerprint);
        Ring = null;
        return Prints;
    }

    /// <summary>Stable across processes and versions, as stored state needs (<see cref="TextFingerprint"/>).</summary>
    public static ulong Fingerprint(string eventId) => TextFingerprint.Of(eventId);
}
