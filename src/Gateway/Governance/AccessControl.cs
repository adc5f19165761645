using MarketingActors.Gateway.Endpoints;
using MarketingActors.Governance;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Routing;

namespace MarketingActors.Gateway.Governance;

/// <summary>
/// Who may call which route, in one table. Campaign writes are "gated": the change gate grain
/// decides them (role, scope, agent policy, approvals). A route missing from the table is
/// admin-only, so a new endpoint is closed until someone decides who may use it.
/// </summary>
public static class AccessControl
{
    public const string Gated = "gated";

    private static readonly Dictionary<(string Method, string Route), string> Table = new()
    {
        [("POST", "/v1/events")] = Operations.WriteEvents,
        [("POST", "/v1/noop")] = Operations.WriteEvents,
        [("GET", "/v1/customers/{id}/next-best-action")] = Operations.WriteEvents,
        [("GET", "/v1/campaigns")] = Operations.ReadPerformance,
        [("GET", "/v1/campaigns/{id}")] = Operations.ReadPerformance,
        [("GET", "/v1/campaigns/{id}/state")] = Operations.ReadPerformance,
        [("GET", "/v1/campaigns/{id}/audience")] = Operations.ReadPerformance,
        [("POST", "/v1/campaigns")] = Gated,
        [("PUT", "/v1/campaigns/{id}")] = Gated,
        [("PUT", "/v1/campaigns/{id}/budget")] = Gated,
        [("POST", "/v1/campaigns/{id}/activate")] = Gated,
        [("POST", "/v1/campaigns/{id}/pause")] = Gated,
        [("POST", "/v1/campaigns/{id}/complete")] = Gated,
        [("GET", "/v1/customers/{id}")] = Operations.ManageCustomerData,
        [("DELETE", "/v1/customers/{id}")] = Operations.ManageCustomerData,
        [("GET", "/v1/customers/{id}/export")] = Operations.ManageCustomerData,
        [("GET", "/v1/approvals")] = Operations.Review,
        [("GET", "/v1/approvals/{approvalId}")] = Operations.Review,
        [("POST", "/v1/approvals/{approvalId}/approve")] = Operations.Review,
        [("POST", "/v1/approvals/{approvalId}/reject")] = Operations.Review,
        [("GET", "/v1/audit")] = Operations.ReadAudit,
        [("GET", "/v1/audit/verify")] = Operations.ReadAudit,
        [("GET", "/v1/audit/explain")] = Operations.ReadAudit,
        [("GET", "/v1/kill-switch")] = Operations.KillSwitch,
        [("GET", "/v1/campaigns/{id}/report")] = Operations.ReadPerformance,
        [("GET", "/v1/campaigns/{id}/reports")] = Operations.ReadPerformance,
        [("GET", "/reports/campaigns/{id}")] = Operations.ReadPerformance,
        [("GET", "/v1/models")] = Operations.ReadPerformance,
        [("GET", "/v1/models/champion")] = Operations.ReadPerformance,
        [("GET", "/v1/models/history")] = Operations.ReadPerformance,
        [("GET", "/v1/models/monitoring")] = Operations.ReadPerformance,
        [("POST", "/v1/kill-switch")] = Operations.KillSwitch,
    };

    /// <summary>Probes, the metrics scrape and the API description are for infrastructure, not principals.</summary>
    private static bool IsPublic(string route) =>
        route.StartsWith("/openapi", StringComparison.Ordinal) || route.StartsWith("/health/", StringComparison.Ordinal) || route == "/metrics";

    public static string OperationOf(string method, string route) =>
        Table.GetValueOrDefault((method, route.Length > 1 ? route.TrimEnd('/') : route)) ?? Operations.ManageAccess;

    public static IApplicationBuilder UseAccessControl(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint() is not RouteEndpoint endpoint || endpoint.RoutePattern.RawText is not { } raw || IsPublic(raw))
        {
            await next(context);
            return;
        }
        var authenticated = await context.AuthenticateAsync(ApiKeyAuthentication.SchemeName);
        if (!authenticated.Succeeded)
        {
            await context.ChallengeAsync(ApiKeyAuthentication.SchemeName);
            return;
        }
        context.User = authenticated.Principal;
        var principal = context.Principal();
        var operation = OperationOf(context.Request.Method, raw.StartsWith('/') ? raw : "/" + raw);
        var refusal = operation == Gated ? null : await Check(context, principal, operation);
        if (refusal is not null)
        {
            await refusal.ExecuteAsync(context);
            return;
        }
        await next(context);
    });

    private static async Task<IResult?> Check(HttpContext context, Principal principal, string operation)
    {
        if (!Operations.RoleAllows(principal.Role, operation))
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden_operation", $"role '{principal.Role}' may not {operation}");
        var campaignId = context.Request.Path.StartsWithSegments("/v1/campaigns") ? context.GetRouteValue("id") as string : null;
        if (principal.Role == Roles.CampaignOwner && campaignId is not null && !principal.Covers(campaignId))
            return OutOfScope(campaignId);
        if (principal.Role != Roles.Agent) return null;
        var policy = await context.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<IPrincipalRegistryGrain>(0).GetAgentPolicy(principal.Id);
        if (policy is null || !policy.AllowedOperations.Contains(operation))
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden_operation", $"the agent's policy does not allow '{operation}'");
        return campaignId is not null && !policy.Campaigns.Contains(campaignId) ? OutOfScope(campaignId) : null;
    }

    private static IResult OutOfScope(string campaignId) =>
        Problems.Of(StatusCodes.Status403Forbidden, "campaign_out_of_scope", $"campaign '{campaignId}' is not in this key's scope");
}
