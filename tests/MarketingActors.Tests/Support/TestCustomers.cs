using MarketingActors.Core.Profiles;
using MarketingActors.Events;

namespace MarketingActors.Tests.Support;

/// <summary>Builds customers the way the engine does: events applied to a profile, then scored by the prior model.</summary>
internal static class TestCustomers
{
    /// <summary>A Monday, mid-morning UTC.</summary>
    public static readonly DateTimeOffset T0 = new(2025, 6, 2, 10, 0, 0, TimeSpan.Zero);

    private static int _ids;

    public static MarketingEvent Event(
        string type,
        DateTimeOffset at,
        string? channel = null,
        Dictionary<string, string>? properties = null,
        decimal? value = null,
        string customerId = "c1") => new()
        {
            EventId = "e" + Interlocked.Increment(ref _ids),
            CustomerId = customerId,
            Type = type,
            Channel = channel,
            Timestamp = at,
            Properties = properties ?? new(),
            Value = value,
        };

    /// <summary>Applies an event of a canonical type with the meaning the event catalog gives it.</summary>
    public static BehaviourProfile On(
        this BehaviourProfile profile,
        string type,
        DateTimeOffset at,
        string? channel = null,
        Dictionary<string, string>? properties = null,
        decimal? value = null)
    {
        profile.Apply(Event(type, at, channel, properties, value), EventCatalog.KindOf(type));
        return profile;
    }

    public static BehaviourProfile Times(this BehaviourProfile profile, int count, string type, DateTimeOffset at)
    {
        for (var i = 0; i < count; i++) profile.On(type, at.AddMinutes(i));
        return profile;
    }

    public static BehaviourProfile Identify(this BehaviourProfile profile, DateTimeOffset at, params (string Key, string Value)[] traits) =>
        profile.On(EventCatalog.Identify, at, properties: traits.ToDictionary(t => t.Key, t => t.Value));

    public static ScoredCustomer Score(this BehaviourProfile profile, DateTimeOffset at, string customerId = "c1") =>
        ScoredCustomer.Score(customerId, profile, new LogisticPriorModel(), at);

    /// <summary>A customer with a chosen likelihood and neutral features, for rules and journeys.</summary>
    public static ScoredCustomer WithLikelihood(double likelihood, BehaviourProfile? profile = null, DateTimeOffset? at = null)
    {
        var features = new float[CustomerFeatures.Count];
        return new ScoredCustomer
        {
            CustomerId = "c1",
            Profile = profile ?? new BehaviourProfile(),
            Features = features,
            Likelihood = likelihood,
            ModelVersion = "test",
            At = at ?? T0,
        };
    }

    /// <summary>A customer whose named features have the given values (others 0).</summary>
    public static ScoredCustomer WithFeatures(double likelihood, params (string Name, float Value)[] values)
    {
        var customer = WithLikelihood(likelihood);
        foreach (var (name, value) in values) customer.Features[CustomerFeatures.IndexOf(name)] = value;
        return customer;
    }
}
