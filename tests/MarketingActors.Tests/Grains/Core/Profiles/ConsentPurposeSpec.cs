using MarketingActors.Core.Profiles;
using static MarketingActors.Tests.Support.TestCustomers;

namespace MarketingActors.Tests.Grains.Core.Profiles;

public sealed class ConsentPurposeSpec
{
    private const string Marketing = BehaviourProfile.MarketingPurpose;

    [Fact]
    public void Consent_is_per_channel_and_purpose()
    {
        var transactionalOnly = new BehaviourProfile().Identify(T0, ("consent.email", "true"), ("consent.email:marketing", "false"));
        Assert.True(transactionalOnly.HasConsent("email"));
        Assert.False(transactionalOnly.HasConsent("email", Marketing));

        var marketingOnly = new BehaviourProfile().Identify(T0, ("consent.sms:marketing", "true"));
        Assert.True(marketingOnly.HasConsent("sms", Marketing));
        Assert.False(marketingOnly.HasConsent("sms"));
    }

    [Fact]
    public void Revoking_a_purpose_keeps_the_channel_and_unsubscribing_from_the_channel_stops_every_purpose()
    {
        var p = new BehaviourProfile().Identify(T0, ("consent.email", "true"), ("consent.email:marketing", "true"));
        p.On("consent_revoked", T0.AddMinutes(1), channel: "email", properties: new() { ["purpose"] = Marketing });
        Assert.False(p.HasConsent("email", Marketing));
        Assert.True(p.HasConsent("email"));

        var q = new BehaviourProfile().Identify(T0, ("consent.email", "true"), ("consent.email:marketing", "true"));
        q.On("unsubscribe", T0.AddMinutes(1), channel: "email");
        Assert.False(q.HasConsent("email", Marketing));
    }
}
