using MarketingActors.Core.Profiles;

namespace MarketingActors.Tests.Grains.Core.Profiles;

/// <summary>FNV-1a over (customer, campaign, event count, decision count): the same history replays to the same draws.</summary>
public class StableSeedSpec
{
    [Fact]
    public void Is_the_same_in_every_process()
    {
        // Computed independently of .NET (string.GetHashCode is randomized per process; this must not be).
        Assert.Equal(-1657692641, StableSeed.Of("customer-1", "spring", 42, 7));
    }

    [Fact]
    public void Changes_with_every_input()
    {
        var seed = StableSeed.Of("customer-1", "spring", 42, 7);
        Assert.NotEqual(seed, StableSeed.Of("customer-2", "spring", 42, 7));
        Assert.NotEqual(seed, StableSeed.Of("customer-1", "summer", 42, 7));
        Assert.NotEqual(seed, StableSeed.Of("customer-1", "spring", 43, 7));
        Assert.NotEqual(seed, StableSeed.Of("customer-1", "spring", 42, 8));
        Assert.NotEqual(seed, StableSeed.Of("customer-1", "spring", 42 + (1L << 32), 7));
        // The separator keeps ("ab", "c") and ("a", "bc") apart.
        Assert.NotEqual(StableSeed.Of("ab", "c", 0, 0), StableSeed.Of("a", "bc", 0, 0));
    }
}
