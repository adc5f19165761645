using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using MarketingActors.Gateway.Endpoints;
using MarketingActors.Governance;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace MarketingActors.Gateway.Governance;

/// <summary>
/// Who is calling: an API key (Bearer; Basic with the key as user name, as the analytics SDKs send
/// their write key; or, on the SDK routes, writeKey in the body), or a browser session cookie a person got by signing in with
/// their key. Both resolve through the registry (cached in <see cref="KeyCache"/>, which a
/// revocation empties at once). A write made with a session cookie must also carry the session's
/// CSRF token in <see cref="CsrfHeader"/>, which only a page of this origin can read.
/// </summary>
public sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    KeyCache keys,
    IOptions<SecurityOptions> security,
    IOptions<Ingestion.TrackingPlanOptions> plan) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string SessionCookie = "ma_session";
    public const string CsrfCookie = "ma_csrf";
    public const string CsrfHeader = "X-CSRF-Token";
    private const string FailureReason = "ma.auth-failure";

    public static readonly Principal Anonymous = new() { Id = "anonymous", Role = Roles.Admin };

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!security.Value.RequireApiKeys) return Success(Anonymous);
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            if (Context.GetEndpoint()?.Metadata.GetMetadata<WriteKeyInBody>() is not null && await WriteKeyInBody.Of(Request, plan.Value.MaxBodyBytes) is { } writeKey)
                return await FromKey(writeKey);
            return Request.Cookies[SessionCookie] is { Length: > 0 } session ? await FromSession(session) : Failure("missing_api_key", "send Authorization: Bearer <api key>");
        }
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return await FromKey(header["Bearer ".Length..].Trim());
        // The analytics SDKs' form: Basic with the write key as user name and an empty password.
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) && WriteKeyOfBasic(header["Basic ".Length..].Trim()) is { } basicKey) return await FromKey(basicKey);
        return Failure("invalid_api_key", "the Authorization header must be 'Bearer <api key>' or 'Basic <base64 of api key:>'");
    }

    private async Task<AuthenticateResult> FromKey(string key) =>
        await keys.Key(key) is { } principal ? Success(principal) : Failure("invalid_api_key", "the API key is unknown, malformed or revoked");

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

    private async Task<AuthenticateResult> FromSession(string session)
    {
        if (await keys.Session(session) is not { } principal) return Failure("invalid_session", "the session has ended or its key was revoked; sign in again");
        var safe = HttpMethods.IsGet(Request.Method) || HttpMethods.IsHead(Request.Method) || HttpMethods.IsOptions(Request.Method);
        if (!safe && !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Request.Headers[CsrfHeader].ToString()), Encoding.ASCII.GetBytes(CsrfTokenOf(session))))
            return Failure("csrf_token_missing", $"a write made with a session cookie needs the {CsrfHeader} header from the {CsrfCookie} cookie");
        return Success(principal);
    }

    /// <summary>The CSRF token of a session, derived from its secret: a page of this origin reads it from a cookie, another site cannot.</summary>
    public static string CsrfTokenOf(string session) => Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes("csrf:" + session)))[..32];

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var reason = Context.Items[FailureReason] as string ?? "missing_api_key";
        // A person opening a page is sent to sign in, then back; an API client gets the 401 problem.
        if (HttpMethods.IsGet(Request.Method) && Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase)
            && Request.Headers.Authorization.Count == 0)
        {
            Response.Redirect(SignInEndpoints.PathTo(Request.PathBase + Request.Path + Request.QueryString));
            return Task.CompletedTask;
        }
        Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.Of(StatusCodes.Status401Unauthorized, reason, reason switch
        {
            "missing_api_key" => "send Authorization: Bearer <api key>",
            "invalid_session" => "the session has ended or its key was revoked; sign in again",
            "csrf_token_missing" => $"a write made with a session cookie needs the {CsrfHeader} header from the {CsrfCookie} cookie",
            _ => "the API key is unknown, malformed or revoked",
        }).ExecuteAsync(Context);
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
