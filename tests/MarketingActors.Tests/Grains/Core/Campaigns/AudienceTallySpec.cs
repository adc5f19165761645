using MarketingActors.Campaigns;
using MarketingActors.Core.Campaigns;
using MarketingActors.Core.Profiles;
using MarketingActors.Tests.Support;
using static MarketingActors.Tests.Support.TestCustomers;

namespace MarketingActors.Tests.Grains.Core.Campaigns;

public sealed class AudienceTallySpec
{
    private static readonly CampaignDefinition Vip = new()
    {
        Id = "vip",
        Name = "VIP",
        Audience = new() { All = [new() { Field = "trait.segment", Op = "eq", Value = "vip" }] },
        Actions = [new() { Id = "email-a", Channel = "email", Variant = "a" }, new() { Id = "sms-a", Channel = "sms", Variant = "a" }],
    };

    private static AudienceCount Sum(IEnumerable<(string CampaignId, AudienceCount Delta)> changes) =>
        changes.Aggregate(AudienceCount.None, (total, c) => total.Plus(c.Delta));

    [Fact]
    public void A_customer_counts_once_while_nothing_changes_and_a_revocation_takes_it_off_that_channel()
    {
        Dictionary<string, string[]>? memberships = null;
        var profile = new BehaviourProfile().Identify(T0, ("segment", "vip"), ("consent.email", "true"), ("consent.sms", "true"));

        var joined = Sum(AudienceTally.Update(ref memberships, [Vip], profile.Score(T0)));
        var unchanged = AudienceTally.Update(ref memberships, [Vip], profile.Score(T0));
        var revoked = Sum(AudienceTally.Update(ref memberships, [Vip], profile.On("consent_revoked", T0, channel: "email").Score(T0)));

        Assert.Equal((1, 1, 1L, 1L), (joined.Matching, joined.Reachable, joined.ReachableByChannel["email"], joined.ReachableByChannel["sms"]));
        Assert.Empty(unchanged);
        Assert.Equal((0, 0, -1L, false), (revoked.Matching, revoked.Reachable, revoked.ReachableByChannel["email"], revoked.ReachableByChannel.ContainsKey("sms")));
    }

    [Fact]
    public void A_customer_without_consent_matches_but_is_not_reachable_and_leaving_undoes_everything_it_counted()
    {
        Dictionary<string, string[]>? memberships = null;
        var silent = new BehaviourProfile().Identify(T0, ("segment", "vip"));
        var counted = Sum(AudienceTally.Update(ref memberships, [Vip], silent.Score(T0)));
        var consented = counted.Plus(Sum(AudienceTally.Update(ref memberships, [Vip], silent.Identify(T0, ("consent.sms", "true")).Score(T0))));

        var left = consented.Plus(Sum(AudienceTally.Leave(memberships)));

        Assert.Equal((1, 0), (counted.Matching, counted.Reachable));
        Assert.Equal((1, 1, 1L), (consented.Matching, consented.Reachable, consented.ReachableByChannel["sms"]));
        Assert.True(left.IsNone);
        Assert.Empty(memberships!);
    }

    [Fact]
    public void Leaving_the_audience_rules_drops_the_customer_from_every_count_of_the_campaign()
    {
        Dictionary<string, string[]>? memberships = null;
        var profile = new BehaviourProfile().Identify(T0, ("segment", "vip"), ("consent.email", "true"));
        var counted = Sum(AudienceTally.Update(ref memberships, [Vip], profile.Score(T0)));

        var after = counted.Plus(Sum(AudienceTally.Update(ref memberships, [Vip], profile.Identify(T0, ("segment", "regular")).Score(T0))));

        Assert.True(after.IsNone);
    }

    [Fact]
    public void A_customer_outside_every_audience_carries_no_memberships_and_counts_nothing()
    {
        Dictionary<string, string[]>? memberships = null;
        var regular = new BehaviourProfile().Identify(T0, ("segment", "regular"), ("consent.email", "true"));

        Assert.Empty(AudienceTally.Update(ref memberships, [Vip], regular.Score(T0)));
        Assert.Empty(AudienceTally.Leave(memberships));
        Assert.Null(memberships);
    }
}
