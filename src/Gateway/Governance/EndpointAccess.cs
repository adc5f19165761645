using MarketingActors.Gateway.Endpoints;
using MarketingActors.Governance;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace MarketingActors.Gateway.Governance;

/// <summary>Where an endpoint names the campaign it acts on, so scope can be checked before the handler runs.</summary>
public enum CampaignFrom
{
    /// <summary>No single campaign: a global operation, or a list the handler filters by <see cref="AccessScope.Covers"/>.</summary>
    None,
    /// <summary>The route value <c>{id}</c>.</summary>
    Route,
    /// <summary>The query parameter <c>campaignId</c> (optional; a restricted key must give one of its own).</summary>
    Query,
}

/// <summary>
/// The access an endpoint declares, as endpoint metadata: the operation it performs and where its
/// campaign is. One authorization policy reads it for every route; a route that declares nothing
/// is refused, and the authorization specs enumerate these from the endpoint table itself.
/// </summary>
public sealed record EndpointAccess(string Operation, CampaignFrom Campaign = CampaignFrom.None)
{
    /// <summary>For a campaign write: the operations the change gate may find it to be (it classifies the change itself).</summary>
    public string[] GateOperations { get; init; } = [];

    public const string Policy = "ma.endpoint-access";
    /// <summary>
    /// Campaign writes: refused here when the role may do none of the route's operations or the
    /// campaign is out of scope; otherwise the change gate decides the operation the change really
    /// is, the agent's policy and limits, approvals, and audits.
    /// </summary>
    public const string ChangeGate = "change_gate";
    /// <summary>Probes, the metrics scrape, the API description and the sign-in page.</summary>
    public const string Public = "public";
    /// <summary>A door to several operations (the MCP endpoint): open to a key whose role may do any of <see cref="GateOperations"/>; each call checks its own.</summary>
    public const string AnyOf = "any_of";
}

public static class EndpointAccessConventions
{
    public static TBuilder RequireAccess<TBuilder>(this TBuilder builder, string operation, CampaignFrom campaign = CampaignFrom.None)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new EndpointAccess(operation, campaign)).RequireAuthorization(EndpointAccess.Policy);

    public static TBuilder RequireChangeGate<TBuilder>(this TBuilder builder, CampaignFrom campaign, params string[] operations) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new EndpointAccess(EndpointAccess.ChangeGate, campaign) { GateOperations = operations }).RequireAuthorization(EndpointAccess.Policy);

    public static TBuilder RequireAnyOf<TBuilder>(this TBuilder builder, string[] operations) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new EndpointAccess(EndpointAccess.AnyOf) { GateOperations = operations }).RequireAuthorization(EndpointAccess.Policy);

    public static TBuilder AllowPublic<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new EndpointAccess(EndpointAccess.Public)).AllowAnonymous();

    /// <summary>The scope the access check established for this request (principal and, for agents, their policy).</summary>
    public static AccessScope AccessScope(this HttpContext context) =>
        context.Items[typeof(AccessScope)] as AccessScope ?? new AccessScope(context.Principal(), null);

    public static IServiceCollection AddEndpointAccess(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .AddPolicy(EndpointAccess.Policy, p => p.AddAuthenticationSchemes(ApiKeyAuthentication.SchemeName).AddRequirements(new EndpointAccessRequirement()))
            // A route mapped without any access declaration is closed to all but admins, and the specs flag it.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ApiKeyAuthentication.SchemeName).AddRequirements(new EndpointAccessRequirement()).Build());
        services.AddSingleton<IAuthorizationHandler, EndpointAccessHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AccessRefusals>();
        return services;
    }
}

public sealed class EndpointAccessRequirement : IAuthorizationRequirement;

/// <summary>A refused access check: the reason and detail the 403 answer carries.</summary>
public sealed class AccessFailure(IAuthorizationHandler handler, AccessDenial denial) : AuthorizationFailureReason(handler, denial.Detail)
{
    public AccessDenial Denial { get; } = denial;
}

/// <summary>Checks the endpoint's declared operation and campaign against the caller's <see cref="MarketingActors.Governance.AccessScope"/>.</summary>
public sealed class EndpointAccessHandler(IGrainFactory grains) : AuthorizationHandler<EndpointAccessRequirement, HttpContext>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, EndpointAccessRequirement requirement, HttpContext http)
    {
        if (http.Items[typeof(Principal)] is not Principal principal) return;
        var access = http.GetEndpoint()?.Metadata.GetMetadata<EndpointAccess>() ?? new EndpointAccess(Operations.ManageAccess);
        var policy = principal.Role == Roles.Agent ? await grains.GetGrain<IPrincipalRegistryGrain>(0).GetAgentPolicy(principal.Id) : null;
        var scope = new AccessScope(principal, policy);
        http.Items[typeof(AccessScope)] = scope;
        var campaignId = access.Campaign switch
        {
            CampaignFrom.Route => http.GetRouteValue("id") as string,
            CampaignFrom.Query => http.Request.Query["campaignId"].FirstOrDefault(),
            _ => null,
        };
        var denial = access.Operation is EndpointAccess.ChangeGate or EndpointAccess.AnyOf ? scope.CheckWrite(access.GateOperations, campaignId) : scope.Check(access.Operation, campaignId);
        if (denial is null && access.Campaign == CampaignFrom.Query && campaignId is null && scope.IsRestricted)
            denial = new("campaign_out_of_scope", $"this key reaches only some campaigns: pass ?campaignId= with one of them");
        if (denial is null) context.Succeed(requirement);
        else context.Fail(new AccessFailure(this, denial));
    }
}

/// <summary>
/// Turns a refused access check into the 403 problem every other refusal looks like (challenges
/// stay 401 from the key handler). A refused write is audited, as the change gate audits the ones
/// it refuses: who tried what, on which campaign, and why not.
/// </summary>
public sealed class AccessRefusals(IGrainFactory grains) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (!result.Forbidden)
        {
            await _default.HandleAsync(next, context, policy, result);
            return;
        }
        var denial = result.AuthorizationFailure?.FailureReasons.OfType<AccessFailure>().FirstOrDefault()?.Denial
            ?? new AccessDenial("forbidden_operation", "this key may not do that");
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && context.Items[typeof(Principal)] is Principal principal)
        {
            var access = context.GetEndpoint()?.Metadata.GetMetadata<EndpointAccess>();
            await grains.GetGrain<IAuditLogGrain>(0).Append([new AuditEntry
            {
                Kind = AuditKinds.Refusal,
                Principal = principal.Id,
                CampaignId = context.GetRouteValue("id") as string is { } id && Campaigns.CampaignIds.IsValid(id) ? id : null,
                Operation = access?.GateOperations.FirstOrDefault() ?? access?.Operation,
                Payload = System.Text.Json.JsonSerializer.Serialize(new { reason = denial.Reason, errors = new[] { denial.Detail }, route = context.Request.Method + " " + context.Request.Path.Value },
                    Endpoints.GatewayJson.Options),
            }]);
        }
        await Problems.Of(StatusCodes.Status403Forbidden, denial.Reason, denial.Detail).ExecuteAsync(context);
    }
}
