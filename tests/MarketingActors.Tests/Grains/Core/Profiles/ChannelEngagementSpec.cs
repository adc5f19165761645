using CsCheck;
using MarketingActors.Core.Profiles;
using MarketingActors.Events;
using MarketingActors.Tests.Support;
using static MarketingActors.Tests.Support.TestCustomers;

namespace MarketingActors.Tests.Grains.Core.Profiles;

/// <summary>Affinity = (responses + 1) / (exposures + 2): the Beta(1, 1) posterior mean response rate.</summary>
public class ChannelEngagementSpec
{
    [Fact]
    public void A_channel_without_history_has_the_neutral_prior_affinity()
    {
        Assert.Equal(0.5, new ChannelEngagement().Affinity);
        Assert.Equal(0.5, new BehaviourProfile().AffinityFor("email"));
    }

    [Fact]
    public void A_customer_who_skips_emails_and_clicks_ads_has_higher_ads_affinity()
    {
        var p = new BehaviourProfile().Times(5, "email_skipped", T0).Times(3, "ad_clicked", T0);

        Assert.Equal(1.0 / 7, p.AffinityFor("email"), 9);
        Assert.Equal(4.0 / 5, p.AffinityFor("ads"), 9);
        Assert.True(p.AffinityFor("ads") > p.AffinityFor("email"));
    }

    [Fact]
    public void Skips_count_as_exposures_without_a_response()
    {
        var stats = new ChannelEngagement { Sent = 4, Clicked = 2, Skipped = 2 };
        Assert.Equal(3.0 / 6, stats.Affinity, 9);
        stats.Record(ChannelInteraction.Skipped);
        stats.Record(ChannelInteraction.Skipped);
        Assert.Equal(3.0 / 8, stats.Affinity, 9);
    }

    [Fact]
    public void An_open_and_a_click_on_the_same_message_are_one_response()
    {
        var stats = new ChannelEngagement();
        stats.Record(ChannelInteraction.Sent);
        stats.Record(ChannelInteraction.Opened);
        stats.Record(ChannelInteraction.Clicked);
        Assert.Equal(2.0 / 3, stats.Affinity, 9);
    }

    [Fact]
    public void Merging_adds_the_counts()
    {
        var a = new ChannelEngagement { Sent = 1, Opened = 2, Clicked = 3, Skipped = 4 };
        a.MergeFrom(new ChannelEngagement { Sent = 10, Opened = 20, Clicked = 30, Skipped = 40 });
        Assert.Equal((11, 22, 33, 44), (a.Sent, a.Opened, a.Clicked, a.Skipped));
    }

    [Fact]
    public void Affinity_is_always_a_probability_strictly_between_zero_and_one()
    {
        Gen.Select(Gen.Long[0, 1000], Gen.Long[0, 1000], Gen.Long[0, 1000], Gen.Long[0, 1000]).Sample((sent, opened, clicked, skipped) =>
        {
            var affinity = new ChannelEngagement { Sent = sent, Opened = opened, Clicked = clicked, Skipped = skipped }.Affinity;
            Assert.InRange(affinity, double.Epsilon, 1 - 1e-6);
        });
    }
}
