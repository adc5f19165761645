using System.Security.Claims;
using MarketingActors.Gateway.Agents;
using MarketingActors.Gateway.Governance;
using MarketingActors.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MarketingActors.Tests.Gateway.Governance;

[Collection(EmbeddedEngineCollection.Name)]
public sealed class CallerClaimsSpec(EmbeddedEngine engine)
{
    private async Task<HttpContext> Authenticated(Endpoint endpoint)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = "Bearer " + engine.AdminKey;
        context.SetEndpoint(endpoint);
        var outcome = await engine.App.Services.GetRequiredService<ApiKeyAuthentication>().Authenticate(context);
        Assert.NotNull(outcome.Principal);
        return context;
    }

    [Fact]
    public async Task The_MCP_route_gets_the_caller_as_claims()
    {
        var mcp = engine.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .First(e => e.RoutePattern.RawText?.StartsWith(McpComposition.Path, StringComparison.Ordinal) == true);

        var context = await Authenticated(mcp);

        Assert.Equal(context.Principal().Id, context.User.FindFirstValue(ClaimTypes.NameIdentifier));
        Assert.Equal(context.Principal().Role, context.User.FindFirstValue(ClaimTypes.Role));
    }

    [Fact]
    public async Task Other_routes_carry_the_engine_principal_without_building_claims()
    {
        var context = await Authenticated(new Endpoint(null, new EndpointMetadataCollection(), "events"));

        Assert.NotNull(context.Principal());
        Assert.Null(context.User.FindFirstValue(ClaimTypes.NameIdentifier));
    }
}
