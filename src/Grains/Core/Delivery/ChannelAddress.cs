namespace MarketingActors.Core.Delivery;

/// <summary>Where a customer is reached on a channel, from their identify traits (Segment's spec names).</summary>
public static class ChannelAddress
{
    public static string? Of(string channel, IReadOnlyDictionary<string, string> traits) => channel switch
    {
        "email" => traits.GetValueOrDefault("email"),
        "sms" => traits.GetValueOrDefault("phone"),
        "push" => traits.GetValueOrDefault("push_token") ?? traits.GetValueOrDefault("device_token"),
        _ => null,
    };
}
