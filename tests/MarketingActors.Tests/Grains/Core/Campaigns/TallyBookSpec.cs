using MarketingActors.Core.Campaigns;
using MarketingActors.Measurement;

namespace MarketingActors.Tests.Grains.Core.Campaigns;

public class TallyBookSpec
{
    [Fact]
    public void Variant_evidence_is_summed_per_action_and_segment()
    {
        var book = new TallyBook();
        book.Decision("email", "tier=gold", null);
        book.Decision("email", "tier=gold", null);
        book.Decision("email", null, null);
        book.Delivery("email", "tier=gold");
        book.Conversion("email", "tier=gold", 40m);
        book.Conversion("email", "tier=gold", 2m);

        var report = book.Drain("c", "silo", 1);

        var gold = Assert.Single(report.Variants, v => v.Segment == "tier=gold");
        Assert.Equal((2, 1, 2, 42m), (gold.Decisions, gold.Deliveries, gold.Conversions, gold.Revenue));
        Assert.Equal(1, Assert.Single(report.Variants, v => v.Segment is null).Decisions);
        Assert.Equal(3, report.Decisions);
    }

    [Fact]
    public void A_decision_without_an_action_is_counted_but_is_no_variant_evidence()
    {
        var book = new TallyBook();
        book.Decision(null, null, null);

        var report = book.Drain("c", "silo", 1);

        Assert.Equal(1, report.Decisions);
        Assert.Empty(report.Variants);
    }

    [Fact]
    public void Measurement_is_kept_apart_per_group_channel_and_action()
    {
        var book = new TallyBook();
        book.Decision("email", null, new MeasurementTally { Group = MeasurementGroup.Treated, Channel = "email", ActionId = "email", Decisions = 1 });
        book.Measure(new MeasurementTally { Group = MeasurementGroup.Treated, Channel = "email", ActionId = "email", Conversions = 1, Revenue = 10m });
        book.Measure(new MeasurementTally { Group = MeasurementGroup.CampaignHoldout, Channel = "email", ActionId = "email", Decisions = 1 });

        var report = book.Drain("c", "silo", 1);

        var treated = Assert.Single(report.Measurements, m => m.Group == MeasurementGroup.Treated);
        Assert.Equal((1, 1, 10m), (treated.Decisions, treated.Conversions, treated.Revenue));
        Assert.Single(report.Measurements, m => m.Group == MeasurementGroup.CampaignHoldout);
    }

    [Fact]
    public void Draining_starts_the_book_afresh()
    {
        var book = new TallyBook();
        book.Decision("email", null, null);
        book.OptOut(complaint: true);
        book.OptOut(complaint: false);
        book.FuseTrip();

        var first = book.Drain("c", "silo", 1);
        var second = book.Drain("c", "silo", 2);

        Assert.Equal((1, 1, 1), (first.Complaints, first.Unsubscribes, first.FuseTrips));
        Assert.True(second.IsEmpty);
        Assert.Equal(2, second.Sequence);
    }
}
