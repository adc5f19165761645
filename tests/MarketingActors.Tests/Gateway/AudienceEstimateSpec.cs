using System.Net;
using MarketingActors.Governance;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Gateway;

/// <summary>
/// Sizing an audience rule over the live customers with POST /v1/audiences/estimate: a census
/// while the live population fits the sample (here 100), a sample with intervals beyond it.
/// </summary>
[Collection(OwnEngineCollection.Name)]
public sealed class AudienceEstimateSpec : IAsyncLifetime
{
    private const int SampleSize = 100;
    private EmbeddedEngine _engine = null!;

    public async Task InitializeAsync()
    {
        _engine = new EmbeddedEngine([$"--MarketingActors:Measurement:AudienceSampleSize={SampleSize}"]);
        await _engine.InitializeAsync();
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    /// <summary>Identifies <paramref name="count"/> customers; every <paramref name="vipEvery"/>-th is tier=vip, every second has e-mail consent.</summary>
    private async Task Identify(string prefix, int count, int vipEvery)
    {
        var now = DateTimeOffset.UtcNow.ToString("O");
        foreach (var chunk in Enumerable.Range(0, count).Chunk(250))
        {
            var events = chunk.Select(i => $$$"""{"eventId":"{{{prefix}}}-{{{i}}}","customerId":"{{{prefix}}}-c{{{i}}}","type":"identify","timestamp":"{{{now}}}","traits":{"tier":"{{{(i % vipEvery == 0 ? "vip" : "basic")}}}","consent.email":"{{{(i % 2 == 0 ? "true" : "false")}}}"}}""");
            Assert.Equal(HttpStatusCode.OK, (await _engine.PostJson("/v1/events", "[" + string.Join(",", events) + "]")).StatusCode);
        }
    }

    private const string VipByEmail = """{"rule":{"all":[{"field":"trait.tier","op":"eq","value":"vip"}]},"channel":"email"}""";

    [Fact]
    public async Task A_small_population_is_counted_exactly_and_a_large_one_estimated_with_an_interval_around_the_truth()
    {
        await Identify("small", 60, vipEvery: 3);
        var census = await _engine.Json(await _engine.PostJson("/v1/audiences/estimate", VipByEmail));

        Assert.True(census.GetProperty("exact").GetBoolean());
        Assert.Equal(60, census.GetProperty("liveCustomers").GetInt64());
        Assert.Equal(20, census.GetProperty("matching").GetProperty("estimate").GetDouble());
        Assert.Equal(20, census.GetProperty("matching").GetProperty("upper").GetDouble());
        Assert.Equal(10, census.GetProperty("reachable").GetProperty("estimate").GetDouble());

        await Identify("large", 1_140, vipEvery: 4);
        var sampled = await _engine.Json(await _engine.PostJson("/v1/audiences/estimate", VipByEmail));

        // 20 + 285 of 1,200 are vip; a 100-customer sample's estimate is within five standard errors (≈ 1 in 10⁶ to fail).
        const double truth = 305, live = 1_200;
        var standardError = live * Math.Sqrt(truth / live * (1 - truth / live) / SampleSize);
        var matching = sampled.GetProperty("matching");
        Assert.False(sampled.GetProperty("exact").GetBoolean());
        Assert.Equal(SampleSize, sampled.GetProperty("sampled").GetInt32());
        Assert.Equal(live, sampled.GetProperty("liveCustomers").GetInt64());
        Assert.InRange(matching.GetProperty("estimate").GetDouble(), truth - 5 * standardError, truth + 5 * standardError);
        Assert.True(matching.GetProperty("lower").GetDouble() < matching.GetProperty("estimate").GetDouble());
        Assert.True(matching.GetProperty("upper").GetDouble() > matching.GetProperty("estimate").GetDouble());
        Assert.True(sampled.GetProperty("reachable").GetProperty("estimate").GetDouble() <= matching.GetProperty("estimate").GetDouble());
    }

    [Theory]
    [InlineData("""{"rule":{"all":[{"field":"trait.tier","op":"like","value":"vip"}]}}""", "unknown operator 'like'")]
    [InlineData("""{"channel":"email"}""", "rule: required")]
    [InlineData("""{"rule":{"all":[]},"channel":"fax"}""", "channel: one of")]
    public async Task A_rule_that_does_not_validate_is_refused_with_its_problems(string body, string problem)
    {
        var response = await _engine.PostJson("/v1/audiences/estimate", body);
        var json = await _engine.Json(response);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("invalid_rule", json.GetProperty("reason").GetString());
        Assert.Contains(problem, json.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_key_without_read_access_may_not_size_audiences()
    {
        var writer = await _engine.Json(await _engine.PostJson("/v1/keys", new KeyRequest { PrincipalId = "audience-writer", Role = Roles.EventWriter }));
        using var client = _engine.ClientWith(writer.GetProperty("token").GetString());

        var response = await client.PostAsync("/v1/audiences/estimate", new StringContent(VipByEmail, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
