using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using MarketingActors.Gateway.Endpoints;
using MarketingActors.Governance;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace MarketingActors.Gateway.Governance;

/// <summary>
/// Bearer API keys. The registry grain checks the hashed secret; the gateway caches the answer
/// briefly (keyed by a hash of the token) so ingestion does not call the registry per request.
/// </summary>
public sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IGrainFactory grains,
    IMemoryCache cache,
    IOptions<SecurityOptions> security) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    private const string FailureReason = "ma.auth-failure";

    public static readonly Principal Anonymous = new() { Id = "anonymous", Role = Roles.Admin };

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!security.Value.RequireApiKeys) return Success(Anonymous);
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header)) return Failure("missing_api_key", "send Authorization: Bearer <api key>");
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return Failure("invalid_api_key", "the Authorization header must be 'Bearer <api key>'");
        var token = header["Bearer ".Length..].Trim();
        var cacheKey = "ma.key:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        if (!cache.TryGetValue(cacheKey, out Principal? principal))
        {
            principal = await grains.GetGrain<IPrincipalRegistryGrain>(0).Authenticate(token);
            cache.Set(cacheKey, principal, security.Value.KeyCacheTtl);
        }
        return principal is null ? Failure("invalid_api_key", "the API key is unknown, malformed or revoked") : Success(principal);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var reason = Context.Items[FailureReason] as string ?? "missing_api_key";
        Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.Of(StatusCodes.Status401Unauthorized, reason,
            reason == "missing_api_key" ? "send Authorization: Bearer <api key>" : "the API key is unknown, malformed or revoked").ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.Of(StatusCodes.Status403Forbidden, "forbidden_operation", "this key may not do that").ExecuteAsync(Context);

    private AuthenticateResult Success(Principal principal)
    {
        Context.Items[typeof(Principal)] = principal;
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, principal.Id), new Claim(ClaimTypes.Role, principal.Role)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private AuthenticateResult Failure(string reason, string detail)
    {
        Context.Items[FailureReason] = reason;
        return AuthenticateResult.Fail(detail);
    }
}

public static class PrincipalAccess
{
    /// <summary>The principal the authentication handler established for this request.</summary>
    public static Principal Principal(this HttpContext context) =>
        context.Items[typeof(Principal)] as Principal ?? throw new InvalidOperationException("no authenticated principal on this request");
}
