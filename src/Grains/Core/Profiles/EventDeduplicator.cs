using MarketingActors.Core.Customers;
namespace MarketingActors.Core.Profiles;

/// <summary>
/// Remembers the last event ids of a customer (<see cref="CustomerOptions.DedupWindow"/>, 1,024
/// by default) so that re-sent events are applied once without a database read. Bounded memory:
/// the oldest id is forgotten when a new one arrives at capacity. Past the window, cluster mode's
/// journal still refuses an id it holds; embedded mode, which journals nothing, applies it again.
/// </summary>
[GenerateSerializer, Alias("ma.event-dedup")]
public sealed class EventDeduplicator
{
    public const int Window = 1024;

    [Id(0)] public List<string> Ring { get; set; } = [];
    [Id(1)] public int Next { get; set; }

    [NonSerialized] private HashSet<string>? _seen;

    private HashSet<string> Seen => _seen ??= new HashSet<string>(Ring, StringComparer.Ordinal);

    public bool HasSeen(string eventId) => Seen.Contains(eventId);

    /// <summary>Returns false when the id was already seen within the window of <paramref name="window"/> ids.</summary>
    public bool TryRecord(string eventId, int window = Window)
    {
        if (!Seen.Add(eventId)) return false;
        if (Ring.Count < window)
        {
            Ring.Add(eventId);
            return true;
        }
        // A window lowered since this ring filled keeps the ring's size: the setting applies as rings grow.
        Next %= Ring.Count;
        Seen.Remove(Ring[Next]);
        Ring[Next] = eventId;
        Next = (Next + 1) % Ring.Count;
        return true;
    }
}
