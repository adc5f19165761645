using System.Globalization;

namespace MarketingActors.Storage.Postgres;

/// <summary>
/// The optimistic concurrency of customer snapshots. The ETag Orleans carries is the row's version
/// (1 on the first write, +1 on each); a write or a clear applies only to the version the grain
/// last read or wrote, and a first write only where no row exists. Anything else means another
/// activation wrote meanwhile: the grain's copy is stale and must not overwrite it.
/// </summary>
internal static class SnapshotVersions
{
    /// <summary>The version a write reports for a snapshot it deleted (versions start at 1).</summary>
    public const long Cleared = 0;

    /// <summary>The version an ETag stands for; one this store never issued matches no row.</summary>
    public static long? Expected(string? etag) =>
        etag is null ? null : long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : -1;

    public static string? ETag(long? version) => version is null or Cleared ? null : version.Value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Whether a write or clear took effect, given what its statement <paramref name="applied"/>
    /// (null: nothing) and the version <paramref name="stored"/> (null: no row). Clearing a snapshot
    /// that was never written, and is still absent, is done already.
    /// </summary>
    public static bool Succeeded(bool clearing, long? expected, long? applied, long? stored) =>
        applied is not null || clearing && expected is null && stored is null;
}
