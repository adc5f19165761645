using MarketingActors.Core.Profiles;
using static MarketingActors.Tests.Support.TestCustomers;

namespace MarketingActors.Tests.Grains.Core.Profiles;

public class ContactHistorySpec
{
    [Fact]
    public void Counts_only_contacts_inside_the_window_and_not_in_the_future()
    {
        var h = new ContactHistory();
        h.Record("email", T0.AddHours(-1));
        h.Record("email", T0.AddDays(-2));
        h.Record("email", T0.AddDays(-8));
        h.Record("email", T0.AddHours(1));
        h.Record("sms", T0.AddHours(-1));

        Assert.Equal(2, h.CountWithin("email", TimeSpan.FromDays(7), T0));
        Assert.Equal(1, h.CountWithin("email", TimeSpan.FromDays(1), T0));
        Assert.Equal(0, h.CountWithin("push", TimeSpan.FromDays(7), T0));
    }

    [Fact]
    public void Keeps_the_most_recent_contacts_even_when_they_arrive_out_of_order()
    {
        var h = new ContactHistory();
        for (var i = 0; i < 40; i++) h.Record("email", T0.AddMinutes(i % 2 == 0 ? i : -i));

        var kept = h.ByChannel["email"];
        Assert.Equal(ContactHistory.Capacity, kept.Count);
        Assert.Equal(kept.OrderBy(x => x), kept);
        Assert.Equal(T0.AddMinutes(38), kept[^1]);
        Assert.DoesNotContain(T0.AddMinutes(-39), kept);
    }

    [Fact]
    public void Merging_keeps_both_histories_within_capacity()
    {
        var a = new ContactHistory();
        var b = new ContactHistory();
        a.Record("email", T0);
        b.Record("email", T0.AddHours(-1));
        b.Record("sms", T0);
        a.MergeFrom(b);
        Assert.Equal(2, a.CountWithin("email", TimeSpan.FromDays(1), T0));
        Assert.Equal(1, a.CountWithin("sms", TimeSpan.FromDays(1), T0));
    }
}
