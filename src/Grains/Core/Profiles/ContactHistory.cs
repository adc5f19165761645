namespace MarketingActors.Core.Profiles;

/// <summary>
/// The most recent contacts per channel, enough to answer any frequency cap up to
/// <see cref="Capacity"/> contacts per window. Bounded: older contacts fall off.
/// </summary>
[GenerateSerializer, Alias("ma.contact-history")]
public sealed class ContactHistory
{
    public const int Capacity = 32;

    [Id(0)] public Dictionary<string, List<DateTimeOffset>> ByChannel { get; set; } = new();

    public void Record(string channel, DateTimeOffset at)
    {
        if (!ByChannel.TryGetValue(channel, out var contacts))
        {
            contacts = [];
            ByChannel[channel] = contacts;
        }
        var index = contacts.BinarySearch(at);
        contacts.Insert(index < 0 ? ~index : index, at);
        if (contacts.Count > Capacity) contacts.RemoveAt(0);
    }

    public int CountWithin(string channel, TimeSpan window, DateTimeOffset now)
    {
        if (!ByChannel.TryGetValue(channel, out var contacts)) return 0;
        var since = now - window;
        var count = 0;
        for (var i = contacts.Count - 1; i >= 0 && contacts[i] > since; i--)
        {
            if (contacts[i] <= now) count++;
        }
        return count;
    }

    public void MergeFrom(ContactHistory other)
    {
        foreach (var (channel, contacts) in other.ByChannel)
        {
            foreach (var at in contacts) Record(channel, at);
        }
    }
}
