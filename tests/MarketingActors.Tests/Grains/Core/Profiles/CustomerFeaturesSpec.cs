using MarketingActors.Core.Profiles;
using MarketingActors.Tests.Support;
using static MarketingActors.Tests.Support.TestCustomers;

namespace MarketingActors.Tests.Grains.Core.Profiles;

/// <summary>The feature function and the documented logistic prior (LogisticPriorModel).</summary>
public class CustomerFeaturesSpec
{
    private static double Likelihood(BehaviourProfile p, DateTimeOffset at) => p.Score(at).Likelihood;

    [Fact]
    public void The_vector_has_one_value_per_unique_feature_name()
    {
        var f = CustomerFeatures.Compute(new BehaviourProfile(), T0);
        Assert.Equal(CustomerFeatures.Names.Length, f.Length);
        Assert.Equal(CustomerFeatures.Names.Length, CustomerFeatures.Names.Distinct().Count());
        Assert.Equal(CustomerFeatures.Names, CustomerFeatures.ToDictionary(f).Keys);
    }

    [Fact]
    public void A_customer_without_history_is_treated_as_long_dormant_and_neutral()
    {
        var f = CustomerFeatures.Compute(new BehaviourProfile(), T0);
        Assert.Equal(CustomerFeatures.MaxDays, f[CustomerFeatures.IndexOf("recency_days")]);
        Assert.Equal(CustomerFeatures.MaxDays, f[CustomerFeatures.IndexOf("tenure_days")]);
        Assert.Equal(0, f[CustomerFeatures.IndexOf("velocity")]);
        Assert.Equal(0.5f, f[CustomerFeatures.IndexOf("email_affinity")]);
    }

    [Fact]
    public void Counts_enter_as_log1p_and_recency_in_days()
    {
        var p = new BehaviourProfile().On("page_view", T0).On("page_view", T0).On("page_view", T0);
        var f = CustomerFeatures.Compute(p, T0.AddDays(2));
        Assert.Equal(2.0, f[CustomerFeatures.IndexOf("recency_days")], 3);
        Assert.Equal(Math.Log(1 + 3), f[CustomerFeatures.IndexOf("frequency")], 5);
        Assert.Equal(Math.Log(1 + 3 * Math.Pow(2, -48.0 / (24 * 30))), f[CustomerFeatures.IndexOf("engagement_30d")], 3);
    }

    [Fact]
    public void The_prior_scores_a_customer_without_history_at_about_half_a_percent()
    {
        Assert.InRange(Likelihood(new BehaviourProfile(), T0), 0.003, 0.007);
    }

    [Fact]
    public void The_prior_scores_a_first_page_view_at_about_eight_percent()
    {
        Assert.InRange(Likelihood(new BehaviourProfile().On("page_view", T0), T0), 0.06, 0.10);
    }

    [Fact]
    public void The_prior_scores_product_views_and_an_add_to_cart_within_the_hour_between_30_and_60_percent()
    {
        var p = new BehaviourProfile().Times(3, "product_view", T0).On("add_to_cart", T0.AddMinutes(10));
        Assert.InRange(Likelihood(p, T0.AddMinutes(15)), 0.30, 0.60);
    }

    [Fact]
    public void Dormancy_lowers_the_likelihood()
    {
        var p = new BehaviourProfile().Times(3, "product_view", T0).On("add_to_cart", T0);
        var now = Likelihood(p, T0.AddMinutes(5));
        var dayLater = Likelihood(p, T0.AddDays(1));
        var monthLater = Likelihood(p, T0.AddDays(30));
        Assert.True(now > dayLater && dayLater > monthLater, $"{now} > {dayLater} > {monthLater}");
    }

    [Fact]
    public void The_prior_follows_its_documented_formula()
    {
        var f = new float[CustomerFeatures.Count];
        f[CustomerFeatures.IndexOf("engagement_1h")] = 1;
        f[CustomerFeatures.IndexOf("intent_24h")] = 1;
        f[CustomerFeatures.IndexOf("velocity")] = 2;
        f[CustomerFeatures.IndexOf("recency_days")] = 100; // capped at 30
        var z = -4.2 + 0.55 + 0.90 + 0.25 * 2 - 0.04 * 30;
        Assert.Equal(1 / (1 + Math.Exp(-z)), new LogisticPriorModel().Score(f), 9);
    }

    [Fact]
    public void Scores_carry_the_model_version_and_a_swapped_model_takes_over()
    {
        var holder = new ConversionModelHolder();
        Assert.Equal(LogisticPriorModel.PriorVersion, holder.Current.Version);
        var replacement = new ConstantModel();
        holder.Swap(replacement);
        var scored = ScoredCustomer.Score("c1", new BehaviourProfile(), holder.Current, T0);
        Assert.Equal("constant", scored.ModelVersion);
        Assert.Equal(0.42, scored.Likelihood);
        Assert.Equal(0.42, scored.Numeric("likelihood"));
        Assert.Equal(scored.Features[0], scored.Numeric("engagement_1h"));
        Assert.Null(scored.Numeric("no_such_feature"));
    }

    private sealed class ConstantModel : IConversionModel
    {
        public string Version => "constant";
        public double Score(ReadOnlySpan<float> features) => 0.42;
    }

    [Fact]
    public void Every_named_slot_addresses_the_feature_of_its_name_and_every_feature_has_one()
    {
        var slots = typeof(CustomerFeatures.Slot).GetFields().ToDictionary(f => (int)f.GetValue(null)!, f => f.Name);

        Assert.Equal(Enumerable.Range(0, CustomerFeatures.Count), slots.Keys.Order());
        Assert.All(slots, slot => Assert.Equal(CustomerFeatures.Names[slot.Key].Replace("_", ""), slot.Value.ToLowerInvariant()));
    }
}
