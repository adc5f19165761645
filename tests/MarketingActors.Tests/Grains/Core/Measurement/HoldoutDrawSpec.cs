using CsCheck;
using MarketingActors.Core.Measurement;
using MarketingActors.Measurement;

namespace MarketingActors.Tests.Grains.Core.Measurement;

public sealed class HoldoutDrawSpec
{
    [Fact]
    public void The_same_customer_and_campaign_always_draw_the_same_bucket_and_a_new_salt_reshuffles()
    {
        Gen.String.Select(Gen.String).Sample((customer, campaign) =>
        {
            var a = HoldoutDraw.Assign("salt-one-1234", "v1", customer, campaign, 10, 5);
            var b = HoldoutDraw.Assign("salt-one-1234", "v1", customer, campaign, 10, 5);
            Assert.Equal(a, b);
            Assert.InRange(a.Bucket, 0, 1 - double.Epsilon);
        });
        var shuffled = Enumerable.Range(0, 200).Count(i =>
            HoldoutDraw.Bucket("salt-one-1234", $"c{i}", "camp") != HoldoutDraw.Bucket("salt-two-1234", $"c{i}", "camp"));
        Assert.Equal(200, shuffled);
    }

    [Fact]
    public void Group_shares_match_the_configured_percentages()
    {
        var groups = Enumerable.Range(0, 20_000)
            .Select(i => HoldoutDraw.Assign("marketing-actors-holdout-v1", "v1", $"customer-{i}", "spring", holdoutPercent: 20, globalControlPercent: 5).Group)
            .GroupBy(g => g).ToDictionary(g => g.Key, g => g.Count() / 20_000.0);

        // Global control 5%; campaign holdout 20% of the remaining 95% = 19%. ±1 pp is > 5 standard errors.
        Assert.InRange(groups[MeasurementGroup.GlobalControl], 0.04, 0.06);
        Assert.InRange(groups[MeasurementGroup.CampaignHoldout], 0.18, 0.20);
    }

    [Fact]
    public void Global_control_is_one_group_across_campaigns_while_campaign_holdouts_are_independent()
    {
        var ids = Enumerable.Range(0, 5_000).Select(i => $"customer-{i}").ToList();
        var global = ids.Where(id => HoldoutDraw.Assign("salt-one-1234", "v1", id, "a", 0, 10).Group == MeasurementGroup.GlobalControl).ToHashSet();
        Assert.All(global, id => Assert.Equal(MeasurementGroup.GlobalControl, HoldoutDraw.Assign("salt-one-1234", "v1", id, "b", 50, 10).Group));

        var heldOutOfA = ids.Where(id => HoldoutDraw.Assign("salt-one-1234", "v1", id, "a", 50, 0).IsHeldOut).ToHashSet();
        var heldOutOfBoth = ids.Count(id => heldOutOfA.Contains(id) && HoldoutDraw.Assign("salt-one-1234", "v1", id, "b", 50, 0).IsHeldOut);
        // Independent 50% draws: about a quarter are held out of both (not half, not all).
        Assert.InRange(heldOutOfBoth / 5_000.0, 0.22, 0.28);
    }

    [Fact]
    public void Zero_percent_holds_nobody_out()
    {
        Assert.All(Enumerable.Range(0, 1000), i =>
            Assert.Equal(MeasurementGroup.Treated, HoldoutDraw.Assign("salt-one-1234", "v1", $"c{i}", "x", 0, 0).Group));
    }
}
