using MarketingActors.Gateway.Endpoints;
using MarketingActors.Gateway.Governance;
using MarketingActors.Governance;
using ModelContextProtocol.Protocol;

namespace MarketingActors.Gateway.Agents;

/// <summary>
/// The MCP server (Streamable HTTP at /mcp, stateless so any gateway answers any call),
/// authenticated with the engine's own keys like every route. A key sees only the tools its role
/// (and, for an agent, its policy) may use; a call to another tool is refused the same way.
/// </summary>
public static class McpComposition
{
    public const string Path = "/mcp";

    /// <summary>The API's JSON shape (camelCase, enums as strings) for tool arguments and results, as REST has it.</summary>
    private static readonly System.Text.Json.JsonSerializerOptions ToolJson =
        new(GatewayJson.Options) { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() };

    public static IServiceCollection AddMarketingMcp(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddMcpServer(o => o.ServerInfo = new Implementation { Name = "marketing-actors", Version = "1.0.0" })
            .WithHttpTransport(o => o.Stateless = true)
            .WithTools<AgentTools>(ToolJson)
            .WithResources<AgentTools>()
            .WithRequestFilters(filters =>
            {
                filters.AddListToolsFilter(next => async (context, cancellation) =>
                {
                    var result = await next(context, cancellation);
                    var scope = Scope(context.Services);
                    result.Tools = [.. result.Tools.Where(t => Allowed(scope, t.Name))];
                    return result;
                });
                filters.AddCallToolFilter(next => async (context, cancellation) =>
                {
                    var name = context.Params?.Name ?? "";
                    return Allowed(Scope(context.Services), name)
                        ? await next(context, cancellation)
                        : new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = $"forbidden_operation: this key may not use '{name}'" }] };
                });
            });
        return services;
    }

    public static WebApplication MapMarketingMcp(this WebApplication app)
    {
        // Any key that may use at least one tool connects; each tool checks its own operation.
        app.MapMcp(Path).RequireAnyOf([.. AgentTools.OperationOf.Values.Distinct()]).PutsCallerInClaims().WithTags("Agents").ExcludeFromDescription();
        return app;
    }

    private static AccessScope Scope(IServiceProvider? services) =>
        (services?.GetService<IHttpContextAccessor>()?.HttpContext ?? throw new InvalidOperationException("MCP requests run inside HTTP")).AccessScope();

    private static bool Allowed(AccessScope scope, string tool) => AgentTools.Denial(scope, tool, null) is null;
}
