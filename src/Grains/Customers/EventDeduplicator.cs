namespace MarketingActors.Customers;

/// <summary>
/// Remembers the last <see cref="Window"/> event ids of a customer so that re-sent events are
/// applied once. Bounded memory: the oldest id is forgotten when a new one arrives at capacity.
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

    /// <summary>Returns false when the id was already seen within the window.</summary>
    public bool TryRecord(string eventId)
    {
        if (!Seen.Add(eventId)) return false;
        if (Ring.Count < Window)
        {
            Ring.Add(eventId);
            return true;
        }
        Seen.Remove(Ring[Next]);
        Ring[Next] = eventId;
        Next = (Next + 1) % Window;
        return true;
    }
}
