using MarketingActors.Core.Governance;

namespace MarketingActors.Tests.Grains.Core.Governance;

public sealed class ApiKeyTokensSpec
{
    [Fact]
    public void An_issued_token_parses_to_its_key_id_and_matches_only_its_own_hash()
    {
        var (keyId, token, hash) = ApiKeyTokens.Issue();
        var (_, other, _) = ApiKeyTokens.Issue();

        Assert.True(ApiKeyTokens.TryParse(token, out var parsedId, out var secret));
        Assert.Equal(keyId, parsedId);
        Assert.True(ApiKeyTokens.Matches(secret, hash));
        Assert.True(ApiKeyTokens.TryParse(other, out _, out var otherSecret));
        Assert.False(ApiKeyTokens.Matches(otherSecret, hash));
        Assert.DoesNotContain(secret, hash);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ma_0123456789ab")]
    [InlineData("xx_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("ma_0123456789AB_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("ma_0123456789ab-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("ma_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA!")]
    public void Malformed_tokens_do_not_parse(string? token) => Assert.False(ApiKeyTokens.TryParse(token, out _, out _));
}
