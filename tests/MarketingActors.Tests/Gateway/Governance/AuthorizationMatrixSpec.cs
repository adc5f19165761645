using System.Net;
using System.Text;
using MarketingActors.Gateway.Governance;
using MarketingActors.Governance;
using MarketingActors.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MarketingActors.Tests.Gateway.Governance;

/// <summary>
/// Every route the gateway maps (read from its endpoint table, so a new route is in the matrix the
/// moment it exists) × every role × in and out of scope: the answer is what the route's declared
/// access and the caller's scope say, and a route that declares no access fails the spec.
/// </summary>
[Collection(OwnEngineCollection.Name)]
public sealed class AuthorizationMatrixSpec : IAsyncLifetime
{
    private readonly EmbeddedEngine _engine = new(["--MarketingActors:Silo:Dashboard=true"]);

    public Task InitializeAsync() => _engine.InitializeAsync();

    public Task DisposeAsync() => _engine.DisposeAsync();

    private sealed record Caller(string Name, HttpClient Http, AccessScope? Scope);

    private static readonly string[] Verbs = ["GET", "POST", "PUT", "DELETE"];

    private IEnumerable<(RouteEndpoint Endpoint, string Method)> Routes() =>
        from endpoint in _engine.App.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
        from method in endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"]
        where Verbs.Contains(method)
        select (endpoint, method);

    [Fact]
    public void Every_route_declares_its_access()
    {
        var undeclared = Routes().Where(r => r.Endpoint.Metadata.GetMetadata<EndpointAccess>() is null)
            .Select(r => $"{r.Method} {r.Endpoint.RoutePattern.RawText}").ToList();
        Assert.True(undeclared.Count == 0, "routes without a declared access: " + string.Join(", ", undeclared));
        Assert.True(Routes().Count() > 40, "the matrix found the routes");
    }

    [Fact]
    public async Task Every_route_answers_every_role_in_and_out_of_scope_as_its_declared_access_says()
    {
        var mine = TestEvents.NewId("acl-in");
        var theirs = TestEvents.NewId("acl-out");
        await _engine.Created(SampleCampaigns.SpringSale(mine), activate: false);
        await _engine.Created(SampleCampaigns.SpringSale(theirs), activate: false);
        var agentPolicy = new AgentPolicy { AllowedOperations = Operations.AgentGrantable, Campaigns = [mine], MaxBudgetChangePerDay = 1 };
        var callers = new List<Caller>
        {
            new("anonymous", _engine.ClientWith(null), null),
            new("admin", _engine.Http, new AccessScope(new Principal { Id = "bootstrap-admin", Role = Roles.Admin }, null)),
            await Keyed("owner", Roles.CampaignOwner, mine),
            await Keyed("reader", Roles.Reader),
            await Keyed("writer", Roles.EventWriter),
        };
        var agentId = TestEvents.NewId("acl-agent");
        callers.Add(new("agent", await _engine.AgentWith(agentId, agentPolicy), new AccessScope(new Principal { Id = agentId, Role = Roles.Agent }, agentPolicy)));

        var wrong = new List<string>();
        foreach (var (endpoint, method) in Routes())
        {
            var access = endpoint.Metadata.GetMetadata<EndpointAccess>()!;
            foreach (var campaign in new[] { mine, theirs })
            {
                var path = PathOf(endpoint, campaign);
                foreach (var caller in callers)
                {
                    // A redirect is the route's own answer (browsers follow it with their cookie; HttpClient would drop the key).
                    using var client = _engine.ClientWith(caller.Http.DefaultRequestHeaders.Authorization?.Parameter, followRedirects: false);
                    var (status, reason) = await Send(client, method, path);
                    var expected = Expected(access, caller.Scope, campaign);
                    var fine = expected switch
                    {
                        // Let through to the change gate, which may still refuse by what the change turns out to be.
                        null when access.Operation is EndpointAccess.ChangeGate or EndpointAccess.AnyOf => status != HttpStatusCode.Unauthorized && (int)status < 500,
                        // The Orleans dashboard's own handlers answer 500 to the dummy silo addresses and grain types used here.
                        null when path.StartsWith("/dashboard/", StringComparison.Ordinal) => status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden),
                        null => status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) && (int)status < 500,
                        { Reason: "missing_api_key" } => status == HttpStatusCode.Unauthorized,
                        _ => status == HttpStatusCode.Forbidden && reason == expected.Reason,
                    };
                    if (!fine) wrong.Add($"{caller.Name} {method} {path}: got {(int)status} {reason}, expected {expected?.Reason ?? "allowed"}");
                }
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    private async Task<Caller> Keyed(string role, string roleName, params string[] campaigns)
    {
        var principalId = TestEvents.NewId("acl-" + role);
        return new(role, await _engine.KeyFor(principalId, roleName, campaigns), new AccessScope(new Principal { Id = principalId, Role = roleName, Campaigns = campaigns }, null));
    }

    /// <summary>The refusal the route owes this caller, or null when it must let them through to the handler.</summary>
    private static AccessDenial? Expected(EndpointAccess access, AccessScope? scope, string campaign)
    {
        if (access.Operation == EndpointAccess.Public) return null;
        if (scope is null) return new("missing_api_key", "no key");
        var campaignId = access.Campaign == CampaignFrom.None ? null : campaign;
        return access.Operation is EndpointAccess.ChangeGate or EndpointAccess.AnyOf ? scope.CheckWrite(access.GateOperations, campaignId) : scope.Check(access.Operation, campaignId);
    }

    /// <summary>A concrete path for a route pattern: the campaign for {id} and ?campaignId=, harmless dummies for the rest.</summary>
    private static string PathOf(RouteEndpoint endpoint, string campaign)
    {
        var pattern = endpoint.RoutePattern;
        var segments = pattern.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "id" } => campaign,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "documentName" } => "v1",
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter => "matrix-" + parameter.Name,
            _ => "",
        })));
        var path = "/" + string.Join('/', segments);
        return endpoint.Metadata.GetMetadata<EndpointAccess>()?.Campaign == CampaignFrom.Query ? $"{path}?campaignId={campaign}" : path;
    }

    /// <summary>Status and, for a refusal, its reason; a body that streams (the dashboard's live trace) is not waited for.</summary>
    private static async Task<(HttpStatusCode, string?)> Send(HttpClient client, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if ((int)response.StatusCode < 400) return (response.StatusCode, null);
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (response.StatusCode, body.TryGetProperty("reason", out var r) ? r.GetString() : null);
    }
}
