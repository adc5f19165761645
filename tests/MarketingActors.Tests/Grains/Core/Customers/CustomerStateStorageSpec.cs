using MarketingActors.Core.Customers;
using MarketingActors.Core.Profiles;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using static MarketingActors.Tests.Support.TestCustomers;

namespace MarketingActors.Tests.Grains.Core.Customers;

/// <summary>
/// A customer's state keeps its containers unmade until first used (a million live customers would
/// otherwise carry a dozen empty ones each); what it stores must come back whole through the
/// snapshot serializer, under the field ids and wire types engines before this shape wrote.
/// </summary>
public class CustomerStateStorageSpec
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private static T RoundTrip<T>(T value) => Serializer.Deserialize<T>(Serializer.SerializeToArray(value))!;

    /// <summary>The accumulated state, as a snapshot of commit 06e6e2b (before the lean shape) stored it; built like <see cref="Accumulated"/>.</summary>
    private const string SnapshotBeforeLeanShape =
        "ICAgIAAJgcbZ0BP00P8/gJr2F2MH/v8/gJoNx+W3//8/gDTI9yzv//8/4CGAACLxp7yh3QiBAAAAAAAAAADg4CEgAAmBAAAAAAAAAACAAAAAAAAAAACAAAAAAAAAAACAAAAAAAAAAADgwQHgISAACYEAAAAAAADwP4AAAAAAAADwP4AAAAAAAADwP4AAAAAAAADwP+AhgAAi8ae8od0IgQAAAAAAAAAA4OAhIAAJgQAAAAAAAPA/gAAAAAAAAPA/gAAAAAAAAPA/gAAAAAAAAPA/4CGAAJZqYLyh3QiBAAAAAAAAAADg4CGAAFCnPLyh3QiBAAAAAAAAAADgIYAAaLTLvKHdCIEAAAAAAAAAAOAhgAAi8ae8od0IgQAAAAAAAAAA4AEVAQEBBUEhAAAAAAAAAAAoAAAAAAAAACEBA0ELZW1haWwgAAUBAQEFAQHg4CEgAQPBcSAAAyGAAJZqYLyh3QiBAAAAAAAAAADg4ODgIQEFQQtlbWFpbAADQAdzbXMAAeAhAQNBCXBsYW5AB3Byb+DgISDgAQEhAAOB6HcdQqluZODg4CEgAQNBK2xpa2VseV90b19jb252ZXJ0XzI0aODBAeAh4CHgwQEhAANBDWFub24tMeCBAAAAAAAAAACBAAAAAAAAAABBASEAA8G14MEBAQHBASc3IOABAeAnUQEDQQ1zcHJpbmcgAAPBceDg4A==";

    [Fact]
    public void Everything_a_customer_accumulated_comes_back_from_a_snapshot() => AssertAccumulated(RoundTrip(Accumulated()));

    [Fact]
    public void A_snapshot_stored_before_the_lean_shape_restores_whole() =>
        AssertAccumulated(Serializer.Deserialize<CustomerState>(Convert.FromBase64String(SnapshotBeforeLeanShape))!);

    private static CustomerState Accumulated()
    {
        var state = new CustomerState();
        state.Profile
            .Identify(T0, ("plan", "pro"), ("consent.email", "true"))
            .On("email_sent", T0.AddMinutes(1), channel: "email")
            .On("email_clicked", T0.AddMinutes(2), channel: "email")
            .On("purchase", T0.AddMinutes(3), value: 40)
            .On("consent_revoked", T0.AddMinutes(4), channel: "sms");
        state.Dedup.TryRecord("e1");
        state.RememberTriggers([TriggerNames.LikelyToConvert24h]);
        state.RememberMergedFrom("anon-1");
        state.Audiences = new() { ["spring"] = ["email"] };
        TriggerDetector.OnScores(state.Triggers, new TriggerThresholds(), likelihood: 0.9, velocity: 0, engagement30d: 0);
        return state;
    }

    private static void AssertAccumulated(CustomerState back)
    {
        var built = Accumulated();
        Assert.Equal("pro", back.Profile.Traits["plan"]);
        Assert.True(back.Profile.HasConsent("email"));
        Assert.False(back.Profile.HasConsent("sms"));
        Assert.Equal((1, 1), (back.Profile.Channels["email"].Sent, back.Profile.Channels["email"].Clicked));
        Assert.Equal(1, back.Profile.ContactHistory.CountWithin("email", TimeSpan.FromDays(1), T0.AddHours(1)));
        for (var horizon = 0; horizon < DecayedCounters.HalfLives.Length; horizon++)
        {
            Assert.Equal(built.Profile.Engagement.ValueAt(horizon, T0.AddDays(1)), back.Profile.Engagement.ValueAt(horizon, T0.AddDays(1)), 12);
            Assert.Equal(built.Profile.Conversions.ValueAt(horizon, T0.AddDays(1)), back.Profile.Conversions.ValueAt(horizon, T0.AddDays(1)), 12);
        }
        Assert.Equal(built.Profile.Engagement.Clock, back.Profile.Engagement.Clock);
        Assert.Equal(built.Profile.MonetaryValue, back.Profile.MonetaryValue);
        Assert.True(back.Dedup.HasSeen("e1"));
        Assert.False(back.Dedup.HasSeen("e2"));
        Assert.Equal([TriggerNames.LikelyToConvert24h], back.RecentTriggers);
        Assert.Equal(["anon-1"], back.MergedFrom);
        Assert.Equal(["email"], back.Audiences!["spring"]);
        // Still latched after the restore: the same crossing does not fire twice.
        Assert.Empty(TriggerDetector.OnScores(back.Triggers, new TriggerThresholds(), likelihood: 0.9, velocity: 0, engagement30d: 0));
    }

    [Fact]
    public void A_customer_who_only_browsed_carries_no_empty_containers_before_or_after_a_snapshot()
    {
        var state = new CustomerState();
        state.Profile.On("page_view", T0);
        state.Dedup.TryRecord("e1");

        foreach (var s in new[] { state, RoundTrip(state) })
        {
            Assert.Empty(s.Profile.Channels);
            Assert.Empty(s.Profile.Traits);
            Assert.Same(s.Profile.Channels, new CustomerState().Profile.Channels); // the one shared empty view
            Assert.Same(s.Profile.ContactHistory.ByChannel, new ContactHistory().ByChannel);
            Assert.Null(s.Audiences);
            Assert.Equal(1.0, s.Profile.Engagement.ValueAt(0, T0));
        }
    }

    [Fact]
    public void A_decision_record_comes_back_from_a_snapshot_with_the_id_it_was_given()
    {
        foreach (var id in new[] { Guid.CreateVersion7().ToString("N"), Guid.CreateVersion7().ToString("N").ToUpperInvariant(), "d-1" })
        {
            var back = RoundTrip(new DecisionRecord { DecisionId = id, CampaignId = "spring", ActionId = "email-a", DecidedAt = T0, Status = DecisionStatus.Delivered });

            Assert.Equal(id, back.DecisionId);
            Assert.True(back.HasId(id));
            Assert.Equal(DecisionStatus.Delivered, back.Status);
        }
    }

    [Fact]
    public void Decayed_counters_keep_the_wire_shape_of_an_array_and_a_clock()
    {
        var counters = new DecayedCounters { Values = [1, 2, 3, 4], Clock = T0 };

        Assert.Equal([1.0, 2, 3, 4], RoundTrip(counters).Values);
        Assert.Equal(T0, RoundTrip(counters).Clock);
        Assert.Null(RoundTrip(new DecayedCounters()).Clock);
    }
}
