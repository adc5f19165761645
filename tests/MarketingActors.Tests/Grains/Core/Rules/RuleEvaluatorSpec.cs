using MarketingActors.Campaigns;
using MarketingActors.Core.Profiles;
using MarketingActors.Core.Rules;
using MarketingActors.Tests.Support;
using static MarketingActors.Tests.Support.TestCustomers;

namespace MarketingActors.Tests.Grains.Core.Rules;

public class RuleEvaluatorSpec
{
    private static RuleCondition When(string field, string op, string value = "") => new() { Field = field, Op = op, Value = value };

    private static bool Matches(ScoredCustomer customer, params RuleCondition[] all) =>
        RuleEvaluator.Matches(new AudienceRule { All = all }, customer);

    private static readonly ScoredCustomer Customer = WithFeatures(0.6, ("engagement_24h", 2.0f), ("velocity", -1.5f));

    [Theory]
    [InlineData("likelihood", "gt", "0.5", true)]
    [InlineData("likelihood", "gt", "0.6", false)]
    [InlineData("likelihood", "gte", "0.6", true)]
    [InlineData("likelihood", "lt", "0.6", false)]
    [InlineData("likelihood", "lte", "0.6", true)]
    [InlineData("likelihood", "eq", "0.6", true)]
    [InlineData("likelihood", "neq", "0.6", false)]
    [InlineData("engagement_24h", "eq", "2", true)]
    [InlineData("engagement_24h", "in", "1, 2,3", true)]
    [InlineData("engagement_24h", "in", "1,3", false)]
    [InlineData("engagement_24h", "exists", "", true)]
    [InlineData("velocity", "lte", "-1", true)]
    [InlineData("velocity", "gt", "-1", false)]
    [InlineData("likelihood", "gt", "not-a-number", false)]
    public void Numeric_fields_compare_with_every_operator(string field, string op, string value, bool expected)
    {
        Assert.Equal(expected, Matches(Customer, When(field, op, value)));
    }

    [Fact]
    public void Trait_fields_compare_as_text_ignoring_case()
    {
        var c = WithLikelihood(0.1, new BehaviourProfile().Identify(T0, ("tier", "Gold"), ("age", "42")));

        Assert.True(Matches(c, When("trait.tier", "eq", "gold")));
        Assert.False(Matches(c, When("trait.tier", "neq", "GOLD")));
        Assert.True(Matches(c, When("trait.tier", "in", "silver, gold")));
        Assert.False(Matches(c, When("trait.tier", "in", "silver,bronze")));
        Assert.True(Matches(c, When("trait.tier", "exists")));
        Assert.False(Matches(c, When("trait.plan", "exists")));
        Assert.True(Matches(c, When("trait.plan", "neq", "pro"))); // a missing trait is not equal to anything
        Assert.False(Matches(c, When("trait.plan", "eq", "pro")));
    }

    [Fact]
    public void Numeric_operators_on_traits_parse_the_trait()
    {
        var c = WithLikelihood(0.1, new BehaviourProfile().Identify(T0, ("age", "42"), ("tier", "gold")));
        Assert.True(Matches(c, When("trait.age", "gt", "30")));
        Assert.False(Matches(c, When("trait.age", "lt", "30")));
        Assert.False(Matches(c, When("trait.tier", "gt", "30")));
        Assert.False(Matches(c, When("trait.missing", "lt", "30")));
    }

    [Fact]
    public void Consent_fields_read_the_effective_consent()
    {
        var c = WithLikelihood(0.1, new BehaviourProfile().Identify(T0, ("consent.email", "true")));
        Assert.True(Matches(c, When("consent.email", "eq", "true")));
        Assert.True(Matches(c, When("consent.sms", "eq", "false"))); // outbound without opt-in
        Assert.True(Matches(c, When("consent.ads", "eq", "true")));  // paid media until revoked
    }

    [Fact]
    public void All_conditions_must_hold_and_at_least_one_of_any()
    {
        var high = When("likelihood", "gte", "0.5");
        var low = When("likelihood", "lt", "0.1");
        var fast = When("velocity", "gt", "0");

        Assert.True(RuleEvaluator.Matches(null, Customer));
        Assert.True(RuleEvaluator.Matches(new AudienceRule(), Customer));
        Assert.False(RuleEvaluator.Matches(new AudienceRule { All = [high, low] }, Customer));
        Assert.True(RuleEvaluator.Matches(new AudienceRule { All = [high], Any = [low, high] }, Customer));
        Assert.False(RuleEvaluator.Matches(new AudienceRule { All = [high], Any = [low, fast] }, Customer));
    }

    [Fact]
    public void A_valid_rule_has_no_problems()
    {
        var rule = new AudienceRule
        {
            All = [When("likelihood", "gte", "0.5"), When("trait.tier", "in", "gold,silver"), When("consent.email", "eq", "true")],
            Any = [When("engagement_7d", "exists"), When("velocity", "lt", "-1e0")],
        };
        Assert.Empty(RuleEvaluator.Validate(rule, "audience"));
        Assert.Empty(RuleEvaluator.Validate(null, "audience"));
    }

    [Fact]
    public void Validation_names_each_unknown_field_operator_and_non_numeric_value()
    {
        var rule = new AudienceRule
        {
            All = [When("shoe_size", "eq", "42"), When("likelihood", "like", "0.5")],
            Any = [When("likelihood", "gt", "high"), When("trait.", "exists"), When("consent.", "eq", "true")],
        };

        var problems = RuleEvaluator.Validate(rule, "audience").ToList();

        Assert.Contains("audience.all[0]: unknown field 'shoe_size'", problems);
        Assert.Contains("audience.all[1]: unknown operator 'like'", problems);
        Assert.Contains("audience.any[0]: operator 'gt' needs a number, got 'high'", problems);
        Assert.Contains("audience.any[1]: unknown field 'trait.'", problems);
        Assert.Contains("audience.any[2]: unknown field 'consent.'", problems);
        Assert.Equal(5, problems.Count);
    }
}
