using System.Runtime.InteropServices;

namespace MarketingActors.Core.Governance;

/// <summary>
/// Bytes held outside the managed heap, freed when disposed (or by the finalizer). The embedded
/// audit chain keeps its sealed segments this way: every entry stays for the chain's whole
/// retention, and as arrays each segment was copied by the young collection after it was sealed
/// and again by gen1 — a third to a half of what a decided event left for the collector to copy
/// (benchmarks-history.md, 2026-12-07, eleventh session).
/// </summary>
internal sealed class UnmanagedBytes : SafeHandle
{
    public int Length { get; }

    public UnmanagedBytes(byte[] bytes) : base(IntPtr.Zero, ownsHandle: true)
    {
        Length = bytes.Length;
        SetHandle(Marshal.AllocHGlobal(Math.Max(1, bytes.Length)));
        Marshal.Copy(bytes, 0, handle, bytes.Length);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>A managed copy (reading a segment is rare: queries and verification).</summary>
    public byte[] ToArray()
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        var bytes = new byte[Length];
        Marshal.Copy(handle, bytes, 0, Length);
        return bytes;
    }

    protected override bool ReleaseHandle()
    {
        Marshal.FreeHGlobal(handle);
        return true;
    }
}
