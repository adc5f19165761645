using MarketingActors.Events;

namespace MarketingActors.Core.Profiles;

/// <summary>
/// What one customer did with our outreach on one channel. Affinity is the posterior mean
/// response rate with a Beta(1, 1) prior: (opened + clicked + 1) / (exposures + 2), where skips
/// count as exposures without a response. It is what lets the engine prefer the channel a
/// customer actually answers on.
/// </summary>
[GenerateSerializer, Alias("ma.channel-engagement")]
public sealed class ChannelEngagement
{
    [Id(0)] public long Sent { get; set; }
    [Id(1)] public long Opened { get; set; }
    [Id(2)] public long Clicked { get; set; }
    [Id(3)] public long Skipped { get; set; }

    public void Record(ChannelInteraction interaction)
    {
        switch (interaction)
        {
            case ChannelInteraction.Sent: Sent++; break;
            case ChannelInteraction.Opened: Opened++; break;
            case ChannelInteraction.Clicked: Clicked++; break;
            case ChannelInteraction.Skipped: Skipped++; break;
        }
    }

    /// <summary>The affinity of a channel the customer was never reached on: the prior's mean, ½.</summary>
    public const double NoEvidenceAffinity = 0.5;

    public double Affinity
    {
        get
        {
            // An open and a click on the same message are one response.
            var responses = Math.Max(Opened, Clicked);
            var exposures = Math.Max(Sent, responses + Skipped);
            return (responses + 1.0) / (exposures + 2.0);
        }
    }

    public void MergeFrom(ChannelEngagement other)
    {
        Sent += other.Sent;
        Opened += other.Opened;
        Clicked += other.Clicked;
        Skipped += other.Skipped;
    }
}
