using System.Net;
using MarketingActors.Gateway.Endpoints;
using MarketingActors.Governance;
using Microsoft.Extensions.Options;

namespace MarketingActors.Gateway.Governance;

/// <summary>
/// People in a browser: sign in once with an API key (a form, never a URL), get an HttpOnly,
/// SameSite=Strict session cookie (Secure over HTTPS) that ends with its lifetime or the key's
/// revocation, and reach the report pages and the dashboard with the key's own scope.
/// </summary>
public static class SignInEndpoints
{
    public const string Path = "/signin";

    public static string PathTo(string returnUrl) => $"{Path}?returnUrl={Uri.EscapeDataString(returnUrl)}";

    public static void MapSignInEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, ShowForm).WithName("SignInForm").WithTags("Access").AllowPublic().ExcludeFromDescription();
        app.MapPost(Path, SignIn).WithName("SignIn").WithTags("Access").AllowPublic()
            .WithSummary("Form post (apiKey, returnUrl): opens a browser session for the key's principal.")
            .Produces(303).ProducesProblem(400).ProducesProblem(401).ProducesProblem(403);
        app.MapPost("/signout", SignOut).WithName("SignOut").WithTags("Access").AllowPublic()
            .WithSummary("Ends this browser's session.").Produces(303);
    }

    private static IResult ShowForm(string? returnUrl) => Page(LocalOrRoot(returnUrl), error: null, StatusCodes.Status200OK);

    private static async Task<IResult> SignIn(HttpContext context, IGrainFactory grains, IOptions<SecurityOptions> security)
    {
        if (!IsSameOrigin(context.Request))
            return Problems.Of(StatusCodes.Status403Forbidden, "cross_origin_sign_in", "sign-in forms are accepted from this origin only");
        if (!context.Request.HasFormContentType)
            return Problems.Of(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "post the sign-in form (application/x-www-form-urlencoded)");
        var form = await context.Request.ReadFormAsync();
        var returnUrl = LocalOrRoot(form["returnUrl"].FirstOrDefault());
        var key = form["apiKey"].FirstOrDefault()?.Trim() ?? "";
        var opened = key.Length is 0 or > 256 ? null : await grains.GetGrain<IPrincipalRegistryGrain>(0).OpenSession(key, security.Value.SessionLifetime);
        if (opened is not { Succeeded: true, Value: { } session })
            return WantsHtml(context.Request)
                ? Page(returnUrl, "That key is unknown, malformed or revoked.", StatusCodes.Status401Unauthorized)
                : Problems.Of(StatusCodes.Status401Unauthorized, "invalid_api_key", "the API key is unknown, malformed or revoked");
        var cookie = new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            Expires = session.ExpiresAt,
            IsEssential = true,
        };
        context.Response.Cookies.Append(ApiKeyAuthentication.SessionCookie, session.Token, cookie);
        // Readable by this origin's pages (not HttpOnly) so a page's own writes can echo it in the CSRF header.
        context.Response.Cookies.Append(ApiKeyAuthentication.CsrfCookie, ApiKeyAuthentication.CsrfTokenOf(session.Token), new CookieOptions(cookie) { HttpOnly = false });
        return Results.Redirect(returnUrl, permanent: false, preserveMethod: false);
    }

    private static async Task<IResult> SignOut(HttpContext context, IGrainFactory grains)
    {
        if (!IsSameOrigin(context.Request))
            return Problems.Of(StatusCodes.Status403Forbidden, "cross_origin_sign_in", "sign-out is accepted from this origin only");
        if (context.Request.Cookies[ApiKeyAuthentication.SessionCookie] is { Length: > 0 } session)
            await grains.GetGrain<IPrincipalRegistryGrain>(0).CloseSession(session);
        context.Response.Cookies.Delete(ApiKeyAuthentication.SessionCookie);
        context.Response.Cookies.Delete(ApiKeyAuthentication.CsrfCookie);
        return Results.Redirect(Path, permanent: false, preserveMethod: false);
    }

    /// <summary>A form posted from another site carries its own Origin; browsers send Origin on every form POST.</summary>
    private static bool IsSameOrigin(HttpRequest request) =>
        request.Headers.Origin.ToString() is not { Length: > 0 } origin
        || Uri.TryCreate(origin, UriKind.Absolute, out var o) && string.Equals(o.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);

    /// <summary>Only a path of this site: "//host" and absolute URLs would make sign-in an open redirect.</summary>
    private static string LocalOrRoot(string? returnUrl) =>
        returnUrl is { Length: > 0 and <= 2048 } url && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
        && RequestText.IsPrintable(url) ? url : "/signin";

    private static bool WantsHtml(HttpRequest request) => request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    private static IResult Page(string returnUrl, string? error, int status) => Results.Content($$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Sign in · MarketingActors</title>
        <style>body{font-family:system-ui,sans-serif;margin:4rem auto;max-width:28rem;color:#222}input{width:100%;padding:.4rem;margin:.4rem 0 1rem;font-family:monospace}button{padding:.5rem 1.2rem}.error{color:#a00}</style>
        </head><body>
        <h1>Sign in</h1>
        <p>Paste your API key. The session lasts until it expires or the key is revoked; it sees what the key may see.</p>
        {{(error is null ? "" : $"<p class=\"error\" id=\"error\">{WebUtility.HtmlEncode(error)}</p>")}}
        <form method="post" action="{{Path}}">
        <label for="apiKey">API key</label>
        <input id="apiKey" name="apiKey" type="password" autocomplete="off" required>
        <input type="hidden" name="returnUrl" value="{{WebUtility.HtmlEncode(returnUrl)}}">
        <button type="submit" id="sign-in">Sign in</button>
        </form>
        </body></html>
        """, "text/html; charset=utf-8", statusCode: status);
}
