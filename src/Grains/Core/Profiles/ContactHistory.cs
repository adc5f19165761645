using System.Collections.ObjectModel;

namespace MarketingActors.Core.Profiles;

/// <summary>
/// The most recent contacts per channel, enough to answer any frequency cap up to
/// <see cref="Capacity"/> contacts per window. Bounded: older contacts fall off.
/// </summary>
[GenerateSerializer, Alias("ma.contact-history")]
public sealed class ContactHistory
{
    public const int Capacity = 32;

    // Made on the first contact: most live customers were never contacted.
    [Id(0)] private Dictionary<string, List<DateTimeOffset>>? _byChannel;

    public IReadOnlyDictionary<string, List<DateTimeOffset>> ByChannel => (IReadOnlyDictionary<string, List<DateTimeOffset>>?)_byChannel ?? ReadOnlyDictionary<string, List<DateTimeOffset>>.Empty;

    public void Record(string channel, DateTimeOffset at)
    {
        _byChannel ??= [];
        if (!_byChannel.TryGetValue(channel, out var contacts))
        {
            contacts = [];
            _byChannel[channel] = contacts;
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
