namespace MarketingActors.Core.Governance;

/// <summary>
/// Where an <see cref="AuditChain"/> keeps its sealed segments' bytes: packed into shared buffers
/// of <see cref="BufferSize"/> bytes, not an array per segment. A chain keeps its entries for as
/// long as its capacity allows, and a segment's own array, made in gen0, was copied by a young
/// collection and again by a gen1 collection before it settled — among the survivors that set the
/// pauses a decided request waits out (benchmarks-history.md, 2026-12-07). A buffer this large is
/// made on the large object heap, which only full collections visit, and is filled again once every
/// segment in it has been dropped, so a chain at its capacity keeps its bytes without allocating more.
/// </summary>
public sealed class SegmentStore
{
    /// <summary>Above the runtime's large-object threshold (85,000 bytes); about a dozen segments of 128 decisions.</summary>
    public const int BufferSize = 256 * 1024;

    private readonly Stack<Buffer> _spare = new();
    private Buffer? _filling;

    /// <summary>Buffers holding at least one kept segment, or being filled.</summary>
    public int BuffersInUse { get; private set; }

    public sealed class Buffer(int size)
    {
        internal byte[] Bytes { get; } = new byte[size];
        internal int Used { get; set; }
        internal int Kept { get; set; }
    }

    /// <summary>A kept segment's place: its buffer and where in it.</summary>
    public readonly record struct Slot(Buffer In, int Offset, int Length)
    {
        public ReadOnlySpan<byte> Bytes => In.Bytes.AsSpan(Offset, Length);
    }

    public Slot Keep(ReadOnlySpan<byte> bytes)
    {
        // A segment larger than a buffer (entries far above the usual size) gets a buffer of its own.
        var buffer = bytes.Length > BufferSize ? Take(bytes.Length) : Filling(bytes.Length);
        var slot = new Slot(buffer, buffer.Used, bytes.Length);
        bytes.CopyTo(buffer.Bytes.AsSpan(buffer.Used));
        buffer.Used += bytes.Length;
        buffer.Kept++;
        return slot;
    }

    public void Drop(Slot slot)
    {
        var buffer = slot.In;
        if (--buffer.Kept > 0 || buffer == _filling) return;
        BuffersInUse--;
        if (buffer.Bytes.Length != BufferSize) return;
        buffer.Used = 0;
        _spare.Push(buffer);
    }

    private Buffer Filling(int length)
    {
        if (_filling is { } current && current.Used + length <= BufferSize) return current;
        if (_filling is { Kept: 0 } empty)
        {
            empty.Used = 0;
            return empty;
        }
        return _filling = Take(BufferSize);
    }

    private Buffer Take(int size)
    {
        BuffersInUse++;
        return size == BufferSize && _spare.TryPop(out var spare) ? spare : new Buffer(size);
    }
}
