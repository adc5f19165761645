using System.Net;
using MarketingActors.Gateway.Governance;
using MarketingActors.Governance;
using MarketingActors.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace MarketingActors.Tests.Gateway.Governance;

public sealed class PerKeyRateLimitsSpec
{
    private readonly FixedClock _clock = new(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));
    private readonly PerKeyRateLimits _limits;

    public PerKeyRateLimitsSpec() =>
        _limits = new(Options.Create(new SecurityOptions { RequestsPerWindow = 3, RateWindow = TimeSpan.FromMinutes(1) }), _clock);

    private static HttpContext Caller(string keyId)
    {
        var context = new DefaultHttpContext();
        context.Items[typeof(Principal)] = new Principal { Id = "p-" + keyId, Role = Roles.Reader, KeyId = keyId };
        return context;
    }

    private static HttpContext Address(string ip)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(ip);
        return context;
    }

    [Fact]
    public void A_key_gets_its_limit_per_window_and_then_the_time_until_the_window_ends()
    {
        for (var i = 0; i < 3; i++) Assert.Null(_limits.Acquire(Caller("k1")));
        _clock.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal(TimeSpan.FromSeconds(40), _limits.Acquire(Caller("k1")));
        Assert.Null(_limits.Acquire(Caller("k2")));
    }

    [Fact]
    public void A_new_window_starts_the_count_again()
    {
        for (var i = 0; i < 3; i++) Assert.Null(_limits.Acquire(Caller("k1")));
        Assert.NotNull(_limits.Acquire(Caller("k1")));
        _clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Null(_limits.Acquire(Caller("k1")));
    }

    [Fact]
    public void Before_a_key_is_known_the_client_address_is_what_is_counted()
    {
        for (var i = 0; i < 3; i++) Assert.Null(_limits.Acquire(Address("10.0.0.1")));

        Assert.NotNull(_limits.Acquire(Address("10.0.0.1")));
        Assert.Null(_limits.Acquire(Address("10.0.0.2")));
    }

    [Fact]
    public void Callers_idle_for_a_whole_window_are_forgotten()
    {
        _limits.Acquire(Caller("idle"));
        _limits.Acquire(Caller("busy"));
        _clock.Advance(TimeSpan.FromMinutes(1));
        _limits.Acquire(Caller("busy"));
        Assert.Equal(2, _limits.TrackedCallers);
        _clock.Advance(TimeSpan.FromMinutes(1));

        _limits.Acquire(Caller("busy"));

        Assert.Equal(1, _limits.TrackedCallers);
    }

    [Fact]
    public async Task Concurrent_requests_of_one_key_never_pass_more_than_its_limit()
    {
        var limits = new PerKeyRateLimits(Options.Create(new SecurityOptions { RequestsPerWindow = 1000, RateWindow = TimeSpan.FromMinutes(1) }), _clock);
        var passed = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 2000; i++)
            {
                if (limits.Acquire(Caller("shared")) is null) Interlocked.Increment(ref passed);
            }
        })));

        Assert.Equal(1000, passed);
    }
}
