using MarketingActors.Core.Campaigns;
using static MarketingActors.Tests.Support.TestCustomers;

namespace MarketingActors.Tests.Grains.Core.Campaigns;

/// <summary>Exactly-once reports between a silo and a campaign grain: the silo re-sends until acknowledged, the grain applies each sequence once.</summary>
public class ReportOutboxSpec
{
    [Fact]
    public void An_unacknowledged_report_is_sent_again_unchanged_and_nothing_new_is_composed_meanwhile()
    {
        var outbox = new ReportOutbox<string>();
        var composed = 0;
        string Compose(long sequence) => $"report-{sequence}-{++composed}";

        Assert.Equal("report-1-1", outbox.Take(Compose));
        Assert.Equal("report-1-1", outbox.Take(Compose));
        outbox.Acknowledge(2);
        Assert.Equal("report-1-1", outbox.Take(Compose));
        outbox.Acknowledge(1);
        Assert.Equal("report-2-2", outbox.Take(Compose));
    }

    [Fact]
    public void Nothing_to_report_uses_no_sequence_number()
    {
        var outbox = new ReportOutbox<string>();

        Assert.Null(outbox.Take(_ => null));
        Assert.Equal("report-1", outbox.Take(s => $"report-{s}"));
    }

    [Fact]
    public void The_grain_applies_each_sequence_of_a_holder_once_and_in_order()
    {
        var receipts = new ReportReceipts();

        Assert.True(receipts.Accept("silo-a", 1, T0));
        Assert.False(receipts.Accept("silo-a", 1, T0));
        Assert.True(receipts.Accept("silo-b", 1, T0));
        Assert.True(receipts.Accept("silo-a", 2, T0));
        Assert.False(receipts.Accept("silo-a", 1, T0));
    }

    [Fact]
    public void A_holder_silent_for_longer_than_the_memory_is_forgotten()
    {
        var receipts = new ReportReceipts();
        receipts.Accept("gone-silo", 5, T0);

        receipts.Accept("live-silo", 1, T0 + ReportReceipts.Memory + TimeSpan.FromMinutes(1));

        Assert.Equal(["live-silo"], receipts.Applied.Keys);
    }
}
