using System.Net;
using MarketingActors.Gateway.Governance;
using MarketingActors.Governance;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Gateway.Governance;

/// <summary>A person in a browser: signs in once with their key, then reaches pages with the key's scope through a session cookie.</summary>
[Collection(OwnEngineCollection.Name)]
public sealed class SignInSpec : IAsyncLifetime
{
    private readonly EmbeddedEngine _engine = new(["--MarketingActors:Silo:Dashboard=true"]);

    public Task InitializeAsync() => _engine.InitializeAsync();

    public Task DisposeAsync() => _engine.DisposeAsync();

    private HttpClient Browser() => _engine.ClientWith(null, followRedirects: false);

    private async Task<(string Session, string Csrf, HttpResponseMessage Response)> SignIn(string key, string returnUrl = "/v1/campaigns")
    {
        using var browser = Browser();
        var response = await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string> { ["apiKey"] = key, ["returnUrl"] = returnUrl }));
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var set) ? set.ToList() : [];
        string Value(string name) => cookies.FirstOrDefault(c => c.StartsWith(name + "=", StringComparison.Ordinal))?.Split(';')[0][(name.Length + 1)..] ?? "";
        return (Value(ApiKeyAuthentication.SessionCookie), Value(ApiKeyAuthentication.CsrfCookie), response);
    }

    private HttpRequestMessage WithSession(HttpMethod method, string path, string session, string? csrf = null, bool html = false)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", $"{ApiKeyAuthentication.SessionCookie}={session}");
        if (csrf is not null) request.Headers.Add(ApiKeyAuthentication.CsrfHeader, csrf);
        if (html) request.Headers.Add("Accept", "text/html");
        return request;
    }

    [Fact]
    public async Task A_page_sends_an_unknown_visitor_to_sign_in_and_the_form_brings_them_back_with_an_HttpOnly_strict_session()
    {
        var campaign = TestEvents.NewId("page");
        await _engine.Created(SampleCampaigns.SpringSale(campaign));
        using var browser = Browser();
        using var visit = new HttpRequestMessage(HttpMethod.Get, $"/reports/campaigns/{campaign}");
        visit.Headers.Add("Accept", "text/html");

        var sent = await browser.SendAsync(visit);
        var (session, csrf, signedIn) = await SignIn(_engine.AdminKey, $"/reports/campaigns/{campaign}");

        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Equal($"/signin?returnUrl=%2Freports%2Fcampaigns%2F{campaign}", sent.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal($"/reports/campaigns/{campaign}", signedIn.Headers.Location?.OriginalString);
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(ApiKeyAuthentication.SessionCookie + "=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("httponly", cookie);
        Assert.Contains("samesite=strict", cookie);
        Assert.Contains("expires=", cookie);
        Assert.Equal(ApiKeyAuthentication.CsrfTokenOf(session), csrf);
        var page = await browser.SendAsync(WithSession(HttpMethod.Get, $"/reports/campaigns/{campaign}", session));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("lift-chart", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_session_has_its_key_s_scope_the_dashboard_included()
    {
        var mine = TestEvents.NewId("mine");
        var theirs = TestEvents.NewId("theirs");
        await _engine.Created(SampleCampaigns.SpringSale(mine));
        await _engine.Created(SampleCampaigns.SpringSale(theirs));
        var ownerKey = await _engine.KeyFor(TestEvents.NewId("owner"), Roles.CampaignOwner, mine);
        var (owner, _, _) = await SignIn(ownerKey.DefaultRequestHeaders.Authorization!.Parameter!);
        var (admin, _, _) = await SignIn(_engine.AdminKey);
        using var browser = Browser();

        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(WithSession(HttpMethod.Get, $"/reports/campaigns/{mine}", owner))).StatusCode);
        Assert.Equal((HttpStatusCode.Forbidden, "campaign_out_of_scope"), await browser.SendAsync(WithSession(HttpMethod.Get, $"/reports/campaigns/{theirs}", owner)).Outcome());
        Assert.Equal((HttpStatusCode.Forbidden, "forbidden_operation"), await browser.SendAsync(WithSession(HttpMethod.Get, "/dashboard/", owner)).Outcome());
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(WithSession(HttpMethod.Get, "/dashboard/", admin))).StatusCode);
    }

    [Fact]
    public async Task A_write_made_with_a_session_cookie_needs_the_session_s_CSRF_token()
    {
        var campaign = TestEvents.NewId("csrf");
        await _engine.Created(SampleCampaigns.SpringSale(campaign));
        var (session, csrf, _) = await SignIn(_engine.AdminKey);
        using var browser = Browser();

        Assert.Equal((HttpStatusCode.Unauthorized, "csrf_token_missing"), await browser.SendAsync(WithSession(HttpMethod.Post, $"/v1/campaigns/{campaign}/pause", session)).Outcome());
        Assert.Equal((HttpStatusCode.Unauthorized, "csrf_token_missing"), await browser.SendAsync(WithSession(HttpMethod.Post, $"/v1/campaigns/{campaign}/pause", session, csrf: "forged")).Outcome());
        Assert.Equal("active", await Status(campaign));
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(WithSession(HttpMethod.Post, $"/v1/campaigns/{campaign}/pause", session, csrf))).StatusCode);
        Assert.Equal("paused", await Status(campaign));
    }

    private async Task<string> Status(string campaign) => (await _engine.Http.GetAsync($"/v1/campaigns/{campaign}").Body()).GetProperty("status").GetString()!;

    [Fact]
    public async Task Revoking_the_key_ends_its_sessions_at_once()
    {
        var created = await _engine.Json(await _engine.PostJson("/v1/keys", new KeyRequest { PrincipalId = TestEvents.NewId("person"), Role = Roles.Reader }));
        var (session, _, _) = await SignIn(created.GetProperty("token").GetString()!);
        using var browser = Browser();
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(WithSession(HttpMethod.Get, "/v1/campaigns", session))).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await _engine.Http.DeleteAsync($"/v1/keys/{created.GetProperty("keyId").GetString()}")).StatusCode);

        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_session"), await browser.SendAsync(WithSession(HttpMethod.Get, "/v1/campaigns", session)).Outcome());
        var page = await browser.SendAsync(WithSession(HttpMethod.Get, "/v1/campaigns", session, html: true));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
    }

    [Fact]
    public async Task Sign_in_refuses_unknown_keys_other_origins_and_foreign_return_urls_and_sign_out_ends_the_session()
    {
        var (_, _, unknown) = await SignIn("ma_0123456789ab_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB");
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_api_key"), await Task.FromResult(unknown).Outcome());

        using var browser = Browser();
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/signin")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["apiKey"] = _engine.AdminKey }),
        };
        forged.Headers.Add("Origin", "https://evil.example");
        Assert.Equal((HttpStatusCode.Forbidden, "cross_origin_sign_in"), await browser.SendAsync(forged).Outcome());

        foreach (var foreign in new[] { "//evil.example/x", "https://evil.example/", "/\\evil.example" })
            Assert.Equal("/signin", (await SignIn(_engine.AdminKey, foreign)).Response.Headers.Location?.OriginalString);

        var (session, _, _) = await SignIn(_engine.AdminKey);
        var signOut = await browser.SendAsync(WithSession(HttpMethod.Post, "/signout", session));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_session"), await browser.SendAsync(WithSession(HttpMethod.Get, "/v1/campaigns", session)).Outcome());
    }
}
