using MarketingActors.Core.Profiles;

namespace MarketingActors.Core;

/// <summary>
/// A 64-bit fingerprint of text: FNV-1a over the UTF-16 code units, then SplitMix64's finalizer so
/// nearby texts spread. Stable across processes and versions (customers' stored dedup windows hold
/// them), and streaming: a prefix and a text give the fingerprint of their concatenation without
/// building it.
/// </summary>
public static class TextFingerprint
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Of(ReadOnlySpan<char> text) => SeededRandom.Mix(Add(Offset, text));

    public static ulong Of(ReadOnlySpan<char> prefix, ReadOnlySpan<char> text) => SeededRandom.Mix(Add(Add(Offset, prefix), text));

    private static ulong Add(ulong hash, ReadOnlySpan<char> text)
    {
        foreach (var c in text) hash = (hash ^ c) * Prime;
        return hash;
    }
}
