using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using MarketingActors.Gateway.Endpoints;
using MarketingActors.Governance;
using Microsoft.Extensions.Options;

namespace MarketingActors.Gateway.Governance;

/// <summary>The caller a request authenticated as, or why it did not.</summary>
public readonly record struct Authentication(Principal? Principal, string? FailureReason, string? FailureDetail)
{
    public static Authentication Of(Principal principal) => new(principal, null, null);

    public static Authentication Failed(string reason, string detail) => new(null, reason, detail);
}

/// <summary>
/// Who is calling: an API key (Bearer; Basic with the key as user name, as the analytics SDKs send
/// their write key; or, on the SDK routes, writeKey in the body), or a browser session cookie a person got by signing in with
/// their key. Both resolve through the registry (cached in <see cref="KeyCache"/>, which a
/// revocation empties at once). A write made with a session cookie must also carry the session's
/// CSRF token in <see cref="CsrfHeader"/>, which only a page of this origin can read.
/// One singleton the <see cref="AccessGate"/> calls, not a framework authentication handler: that
/// one is built per request with a logger, options and an encoder of its own (benchmarks-history.md, 2026-12-05).
/// </summary>
public sealed class ApiKeyAuthentication(KeyCache keys, IOptions<SecurityOptions> security, IOptions<Ingestion.TrackingPlanOptions> plan)
{
    public const string SchemeName = "ApiKey";
    public const string SessionCookie = "ma_session";
    public const string CsrfCookie = "ma_csrf";
    public const string CsrfHeader = "X-CSRF-Token";

    public static readonly Principal Anonymous = new() { Id = "anonymous", Role = Roles.Admin };

    /// <summary>Establishes the caller: on success it is on the request (<see cref="PrincipalAccess.Principal"/>, and HttpContext.User on the routes marked <see cref="CallerClaims"/>).</summary>
    public async ValueTask<Authentication> Authenticate(HttpContext context)
    {
        var outcome = await Identify(context);
        if (outcome.Principal is { } principal)
        {
            context.Items[typeof(Principal)] = principal;
            if (context.GetEndpoint()?.Metadata.GetMetadata<CallerClaims>() is not null)
                context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, principal.Id), new Claim(ClaimTypes.Role, principal.Role)], SchemeName));
        }
        return outcome;
    }

    private async ValueTask<Authentication> Identify(HttpContext context)
    {
        if (!security.Value.RequireApiKeys) return Authentication.Of(Anonymous);
        var request = context.Request;
        var header = request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<WriteKeyInBody>() is not null && await WriteKeyInBody.Of(request, plan.Value.MaxBodyBytes) is { } writeKey)
                return await FromKey(writeKey);
            return request.Cookies[SessionCookie] is { Length: > 0 } session ? await FromSession(request, session) : Authentication.Failed("missing_api_key", "send Authorization: Bearer <api key>");
        }
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return await FromKey(header["Bearer ".Length..].Trim());
        // The analytics SDKs' form: Basic with the write key as user name and an empty password.
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) && WriteKeyOfBasic(header["Basic ".Length..].Trim()) is { } basicKey) return await FromKey(basicKey);
        return Authentication.Failed("invalid_api_key", "the Authorization header must be 'Bearer <api key>' or 'Basic <base64 of api key:>'");
    }

    private async ValueTask<Authentication> FromKey(string key) =>
        await keys.Key(key) is { } principal ? Authentication.Of(principal) : Authentication.Failed("invalid_api_key", "the API key is unknown, malformed or revoked");

    private static string? WriteKeyOfBasic(string encoded)
    {
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = decoded.IndexOf(':');
            return colon > 0 ? decoded[..colon] : decoded.Length > 0 && colon < 0 ? decoded : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private async ValueTask<Authentication> FromSession(HttpRequest request, string session)
    {
        if (await keys.Session(session) is not { } principal) return Authentication.Failed("invalid_session", "the session has ended or its key was revoked; sign in again");
        var safe = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method);
        if (!safe && !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(request.Headers[CsrfHeader].ToString()), Encoding.ASCII.GetBytes(CsrfTokenOf(session))))
            return Authentication.Failed("csrf_token_missing", $"a write made with a session cookie needs the {CsrfHeader} header from the {CsrfCookie} cookie");
        return Authentication.Of(principal);
    }

    /// <summary>The CSRF token of a session, derived from its secret: a page of this origin reads it from a cookie, another site cannot.</summary>
    public static string CsrfTokenOf(string session) => Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes("csrf:" + session)))[..32];

    /// <summary>A person opening a page is sent to sign in, then back; an API client gets the 401 problem.</summary>
    public static Task Challenge(HttpContext context, Authentication failed)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase)
            && request.Headers.Authorization.Count == 0)
        {
            context.Response.Redirect(SignInEndpoints.PathTo(request.PathBase + request.Path + request.QueryString));
            return Task.CompletedTask;
        }
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.Of(StatusCodes.Status401Unauthorized, failed.FailureReason!, failed.FailureDetail!).ExecuteAsync(context);
    }
}

public static class PrincipalAccess
{
    /// <summary>The principal the authentication established for this request.</summary>
    public static Principal Principal(this HttpContext context) =>
        context.Items[typeof(Principal)] as Principal ?? throw new InvalidOperationException("no authenticated principal on this request");
}
