using MarketingActors.Core.Governance;
using MarketingActors.Governance;

namespace MarketingActors.Tests.Grains.Core.Governance;

public sealed class AccessValidatorSpec
{
    [Fact]
    public void An_unknown_role_is_rejected_with_its_own_reason()
    {
        var refusal = AccessValidator.Check(new KeyRequest { PrincipalId = "bob", Role = "superuser" });
        Assert.NotNull(refusal);
        Assert.Equal("unknown_role", refusal.Value.Reason);
        Assert.Contains(refusal.Value.Errors, e => e.StartsWith("role: unknown role 'superuser'"));
    }

    [Fact]
    public void Key_requests_name_every_problem()
    {
        var refusal = AccessValidator.Check(new KeyRequest { PrincipalId = "has space", Role = Roles.CampaignOwner });
        Assert.Equal("invalid_key_request", refusal!.Value.Reason);
        Assert.Contains(refusal.Value.Errors, e => e.StartsWith("principalId"));
        Assert.Contains(refusal.Value.Errors, e => e.StartsWith("campaigns: a campaign owner needs"));
        Assert.NotNull(AccessValidator.Check(new KeyRequest { PrincipalId = "w", Role = Roles.EventWriter, Campaigns = ["spring"] }));
        Assert.Null(AccessValidator.Check(new KeyRequest { PrincipalId = "ana@example.com", Role = Roles.CampaignOwner, Campaigns = ["spring"] }));
    }

    [Fact]
    public void A_sound_policy_has_no_errors()
    {
        var policy = new AgentPolicy
        {
            AllowedOperations = [Operations.ShiftBudget, Operations.Pause, Operations.CreateVariant, Operations.ChangeAudience],
            Campaigns = ["spring"],
            Channels = ["email"],
            Segments = ["vip"],
            MaxBudgetChangePerDay = 100,
            MaxBudgetChangePercentPerDay = 10,
        };
        Assert.Empty(AccessValidator.Check(policy));
    }

    [Theory]
    [InlineData("activate", "cannot be granted to an agent")]
    [InlineData("fly_to_the_moon", "cannot be granted to an agent")]
    [InlineData("no_campaigns", "campaigns: name the campaigns")]
    [InlineData("unbounded_shift", "never moves budget unbounded")]
    [InlineData("limit_without_shift", "conflicting")]
    [InlineData("channels_without_variants", "conflicting")]
    [InlineData("segments_without_audience", "conflicting")]
    [InlineData("negative_limit", "maxBudgetChangePerDay: must be positive")]
    [InlineData("percent_over_100", "maxBudgetChangePercentPerDay")]
    [InlineData("bad_campaign_id", "is not a campaign id")]
    public void Malformed_and_conflicting_policies_are_rejected_with_the_reason(string defect, string expected)
    {
        var sound = new AgentPolicy { AllowedOperations = [Operations.ShiftBudget], Campaigns = ["spring"], MaxBudgetChangePerDay = 50 };
        var policy = defect switch
        {
            "activate" => sound with { AllowedOperations = [Operations.ShiftBudget, Operations.Activate] },
            "fly_to_the_moon" => sound with { AllowedOperations = [Operations.ShiftBudget, "fly_to_the_moon"] },
            "no_campaigns" => sound with { Campaigns = [] },
            "unbounded_shift" => sound with { MaxBudgetChangePerDay = null },
            "limit_without_shift" => sound with { AllowedOperations = [Operations.Pause] },
            "channels_without_variants" => sound with { Channels = ["sms"] },
            "segments_without_audience" => sound with { Segments = ["vip"] },
            "negative_limit" => sound with { MaxBudgetChangePerDay = -5 },
            "percent_over_100" => sound with { MaxBudgetChangePercentPerDay = 250 },
            _ => sound with { Campaigns = ["Not Valid!"] },
        };
        Assert.Contains(AccessValidator.Check(policy), e => e.Contains(expected));
    }
}
