using MarketingActors.Campaigns;
using MarketingActors.Core.Decisions;
using MarketingActors.Core.Profiles;
using MarketingActors.Tests.Support;
using static MarketingActors.Tests.Support.TestCustomers;

namespace MarketingActors.Tests.Grains.Core.Decisions;

public class EligibilitySpec
{
    private static readonly ActionOption Email = new() { Id = "email-a", Channel = "email", Variant = "a", Cost = 0.01m };
    private static readonly ActionOption Ads = new() { Id = "ads-a", Channel = "ads", Variant = "a", Cost = 0.5m };

    private static CampaignDefinition Campaign(Guardrails? guardrails = null, AudienceRule? audience = null, CampaignStatus status = CampaignStatus.Active) => new()
    {
        Id = "spring",
        Name = "Spring",
        Status = status,
        Actions = [Email, Ads],
        Audience = audience,
        Guardrails = guardrails ?? new Guardrails(),
    };

    private static BehaviourProfile OptedIn() => new BehaviourProfile().Identify(T0.AddDays(-30), ("consent.email", "true"));

    private static List<string> Check(CampaignDefinition campaign, ActionOption action, BehaviourProfile profile, DateTimeOffset? at = null, double likelihood = 0.2) =>
        Eligibility.Check(campaign, action, WithLikelihood(likelihood, profile, at ?? T0));

    [Fact]
    public void An_opted_in_customer_passes_every_guardrail_of_a_plain_campaign()
    {
        Assert.Empty(Check(Campaign(), Email, OptedIn()));
    }

    [Fact]
    public void Nothing_is_eligible_in_an_inactive_campaign()
    {
        Assert.Contains(BlockReasons.CampaignInactive, Check(Campaign(status: CampaignStatus.Paused), Ads, OptedIn()));
    }

    [Fact]
    public void Outbound_actions_need_consent()
    {
        Assert.Equal([BlockReasons.ConsentMissing], Check(Campaign(), Email, new BehaviourProfile()));
        Assert.Empty(Check(Campaign(), Ads, new BehaviourProfile()));
        var unsubscribed = OptedIn().On("unsubscribe", T0.AddMinutes(-1), channel: "email");
        Assert.Equal([BlockReasons.ConsentMissing], Check(Campaign(), Email, unsubscribed));
    }

    [Fact]
    public void Sensitive_and_agent_created_variants_are_blocked_until_approved()
    {
        var approval = new VariantApproval { ApprovalId = "apr-1", ApprovedBy = "lead" };
        foreach (var pending in new[] { Ads with { Sensitivity = Sensitivity.Pricing }, Ads with { AgentCreated = true }, Ads with { Sensitivity = Sensitivity.BrandCritical } })
        {
            Assert.Equal([BlockReasons.ApprovalRequired], Check(Campaign(), pending, OptedIn()));
            Assert.Empty(Check(Campaign(), pending with { Approval = approval }, OptedIn()));
        }
    }

    [Fact]
    public void The_audience_rule_applies()
    {
        var vipOnly = new AudienceRule { All = [new RuleCondition { Field = "trait.tier", Op = "eq", Value = "vip" }] };
        Assert.Equal([BlockReasons.AudienceMismatch], Check(Campaign(audience: vipOnly), Ads, OptedIn()));
        Assert.Empty(Check(Campaign(audience: vipOnly), Ads, OptedIn().Identify(T0, ("tier", "VIP"))));
    }

    [Fact]
    public void A_frequency_cap_blocks_once_the_channel_was_used_max_times_within_the_window()
    {
        var guardrails = new Guardrails { FrequencyCaps = new() { ["email"] = new FrequencyCap { Max = 2, Window = TimeSpan.FromDays(7) } } };
        var profile = OptedIn();
        profile.RecordContact("email", T0.AddDays(-10)); // outside the window
        profile.RecordContact("email", T0.AddDays(-3));
        Assert.Empty(Check(Campaign(guardrails), Email, profile));

        profile.RecordContact("email", T0.AddHours(-1));
        Assert.Equal([BlockReasons.FrequencyCap], Check(Campaign(guardrails), Email, profile));
        Assert.Empty(Check(Campaign(guardrails), Ads, profile)); // other channels are not capped
        Assert.Empty(Check(Campaign(guardrails), Email, profile, at: T0.AddDays(4))); // window slid past
    }

    private static readonly QuietHours Night = new() { Start = new TimeOnly(22, 0), End = new TimeOnly(7, 0) };

    public static TheoryData<string?, string, bool> NightCases => new()
    {
        // 21:30Z in summer is 23:30 in Paris (UTC+2): quiet there, not for a UTC customer.
        { "Europe/Paris", "2025-07-01T21:30:00Z", true },
        { null, "2025-07-01T21:30:00Z", false },
        { "UTC", "2025-07-01T21:30:00Z", false },
        // 05:30Z is 07:30 in Paris (window over) but still night in UTC.
        { "Europe/Paris", "2025-07-01T05:30:00Z", false },
        { null, "2025-07-01T05:30:00Z", true },
        // Winter time: 21:30Z is 22:30 in Paris (UTC+1).
        { "Europe/Paris", "2025-01-15T21:30:00Z", true },
        { "Europe/Paris", "2025-01-15T20:30:00Z", false },
        // Both sides of midnight, and the boundaries: start inclusive, end exclusive.
        { "Europe/Paris", "2025-07-01T22:30:00Z", true },
        { "Europe/Paris", "2025-07-01T02:00:00Z", true },
        { null, "2025-07-01T22:00:00Z", true },
        { null, "2025-07-01T07:00:00Z", false },
        { "America/New_York", "2025-07-02T03:30:00Z", true },
        { "America/New_York", "2025-07-01T21:30:00Z", false },
        // An unknown zone falls back to UTC rather than blocking.
        { "Mars/Olympus_Mons", "2025-07-01T23:00:00Z", true },
        { "Mars/Olympus_Mons", "2025-07-01T12:00:00Z", false },
    };

    [Theory]
    [MemberData(nameof(NightCases))]
    public void Quiet_hours_wrapping_midnight_are_read_in_the_customers_time_zone(string? timeZone, string at, bool quiet)
    {
        Assert.Equal(quiet, Eligibility.InQuietHours(Night, "email", timeZone, DateTimeOffset.Parse(at)));
    }

    [Theory]
    [InlineData("11:59", false)]
    [InlineData("12:00", true)]
    [InlineData("13:30", true)]
    [InlineData("14:00", false)]
    public void A_daytime_window_does_not_wrap(string localTime, bool quiet)
    {
        var lunch = new QuietHours { Start = new TimeOnly(12, 0), End = new TimeOnly(14, 0) };
        var at = new DateTimeOffset(new DateOnly(2025, 7, 1).ToDateTime(TimeOnly.Parse(localTime)), TimeSpan.Zero);
        Assert.Equal(quiet, Eligibility.InQuietHours(lunch, "sms", null, at));
    }

    [Fact]
    public void Quiet_hours_apply_to_outbound_channels_unless_channels_are_listed()
    {
        var midnight = new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.True(Eligibility.InQuietHours(Night, "push", null, midnight));
        Assert.False(Eligibility.InQuietHours(Night, "ads", null, midnight));
        Assert.False(Eligibility.InQuietHours(Night, "web", null, midnight));

        var smsOnly = Night with { Channels = ["sms"] };
        Assert.True(Eligibility.InQuietHours(smsOnly, "sms", null, midnight));
        Assert.False(Eligibility.InQuietHours(smsOnly, "email", null, midnight));
        Assert.False(Eligibility.InQuietHours(Night with { End = Night.Start }, "email", null, midnight)); // empty window
        Assert.False(Eligibility.InQuietHours(null, "email", null, midnight));
    }

    [Fact]
    public void Quiet_hours_block_the_candidate_at_night_in_the_customers_zone()
    {
        var campaign = Campaign(new Guardrails { QuietHours = Night });
        var parisian = OptedIn().Identify(T0, ("timezone", "Europe/Paris"));
        var night = new DateTimeOffset(2025, 7, 1, 21, 30, 0, TimeSpan.Zero);
        Assert.Equal([BlockReasons.QuietHours], Check(campaign, Email, parisian, at: night));
        Assert.Empty(Check(campaign, Ads, parisian, at: night));
    }

    [Fact]
    public void Customers_below_the_minimum_likelihood_are_not_targeted()
    {
        var campaign = Campaign(new Guardrails { MinLikelihood = 0.3 });
        Assert.Equal([BlockReasons.BelowMinLikelihood], Check(campaign, Ads, OptedIn(), likelihood: 0.29));
        Assert.Empty(Check(campaign, Ads, OptedIn(), likelihood: 0.3));
    }

    [Fact]
    public void Every_failed_guardrail_is_reported_not_just_the_first()
    {
        var campaign = Campaign(new Guardrails { MinLikelihood = 0.9 }, status: CampaignStatus.Draft);
        var reasons = Check(campaign, Email with { Locale = "de" }, new BehaviourProfile().Identify(T0, ("locale", "fr-CA")));
        Assert.Equal([BlockReasons.CampaignInactive, BlockReasons.ConsentMissing, BlockReasons.BelowMinLikelihood, BlockReasons.LocaleMismatch], reasons);
    }

    [Theory]
    [InlineData("fr-CA", "fr-CA", 2)]
    [InlineData("FR-ca", "fr-CA", 2)]
    [InlineData("fr", "fr-CA", 1)]
    [InlineData(null, "fr-CA", 0)]
    [InlineData("", "fr-CA", 0)]
    [InlineData("en", "fr-CA", -1)]
    [InlineData("fr-FR", "fr-CA", -1)]
    [InlineData("fr-CA", "fr", -1)]
    [InlineData("fr", null, -1)]
    [InlineData(null, null, 0)]
    [InlineData("fr", "fr_CA", 1)]
    [InlineData("fr_CA", "fr-CA", 2)]
    [InlineData("fr-CA", "fr_ca", 2)]
    public void Locales_fall_back_from_region_to_language_to_the_unlocalized_default(string? action, string? customer, int expected)
    {
        Assert.Equal(expected, Eligibility.LocaleMatch(action, customer));
    }

    [Fact]
    public void An_action_in_another_language_is_a_locale_mismatch()
    {
        var french = OptedIn().Identify(T0, ("locale", "fr-CA"));
        Assert.Equal([BlockReasons.LocaleMismatch], Check(Campaign(), Email with { Locale = "en" }, french));
        Assert.Empty(Check(Campaign(), Email with { Locale = "fr" }, french));
        Assert.Empty(Check(Campaign(), Email, french));
    }

    [Fact]
    public void The_unlocalized_copy_of_a_localized_variant_is_a_fallback_the_campaign_must_allow()
    {
        var french = OptedIn().Identify(T0, ("locale", "fr-CA"));
        var localized = Campaign() with { Actions = [Email, Email with { Id = "email-fr", Locale = "fr" }, Ads] };

        Assert.Equal([BlockReasons.LocaleFallbackNotAllowed], Check(localized, Email, french));
        Assert.Empty(Check(localized with { AllowLocaleFallback = true }, Email, french));
        Assert.Empty(Check(localized, Email, OptedIn()));
        Assert.Empty(Check(localized, Ads, french));
    }
}
