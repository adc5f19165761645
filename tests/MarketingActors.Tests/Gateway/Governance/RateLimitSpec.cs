using System.Net;
using MarketingActors.Governance;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Gateway.Governance;

/// <summary>Its own engine with a tiny per-key limit, so the shared one keeps serving the other specs.</summary>
[Collection(OwnEngineCollection.Name)]
public sealed class RateLimitSpec : IAsyncLifetime
{
    private readonly EmbeddedEngine _engine = new(["--MarketingActors:Security:RequestsPerWindow=3", "--MarketingActors:Security:RateWindow=00:10:00"]);

    public Task InitializeAsync() => _engine.InitializeAsync();

    public Task DisposeAsync() => _engine.DisposeAsync();

    [Fact]
    public async Task A_key_beyond_its_limit_gets_429_rate_limited_while_other_keys_are_served()
    {
        using var reader = await _engine.KeyFor("busy-reader", Roles.Reader);
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/v1/campaigns")).StatusCode);

        var limited = await reader.GetAsync("/v1/campaigns");
        Assert.Equal((HttpStatusCode.TooManyRequests, "rate_limited"), await Task.FromResult(limited).Outcome());
        Assert.True(limited.Headers.RetryAfter is not null);
        using var other = await _engine.KeyFor("calm-reader", Roles.Reader);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/v1/campaigns")).StatusCode);
    }
}
