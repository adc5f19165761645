namespace MarketingActors.Campaigns;

/// <summary>
/// How many customers a campaign can honestly address: those matching its audience rules, and of
/// them those with marketing consent on at least one of its channels (and per channel). Also used
/// as the increment a silo reports, so every field may be negative in a delta.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.audience-count")]
public sealed record AudienceCount
{
    [Id(0)] public long Matching { get; init; }
    [Id(1)] public long Reachable { get; init; }
    [Id(2)] public IReadOnlyDictionary<string, long> ReachableByChannel { get; init; } = new Dictionary<string, long>();

    public static readonly AudienceCount None = new();

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsNone => Matching == 0 && Reachable == 0 && ReachableByChannel.Values.All(v => v == 0);

    public AudienceCount Plus(AudienceCount other, int sign = 1)
    {
        var channels = new Dictionary<string, long>(ReachableByChannel);
        foreach (var (channel, n) in other.ReachableByChannel) channels[channel] = channels.GetValueOrDefault(channel) + sign * n;
        foreach (var empty in channels.Where(c => c.Value == 0).Select(c => c.Key).ToList()) channels.Remove(empty);
        return new AudienceCount { Matching = Matching + sign * other.Matching, Reachable = Reachable + sign * other.Reachable, ReachableByChannel = channels };
    }
}
