using MarketingActors.Gateway.Endpoints;
using MarketingActors.Governance;

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
/// campaign is. The <see cref="AccessGate"/> reads it for every route; a route that declares nothing
/// is open to admins only, and the authorization specs enumerate these from the endpoint table itself.
/// </summary>
public sealed record EndpointAccess(string Operation, CampaignFrom Campaign = CampaignFrom.None)
{
    /// <summary>For a campaign write: the operations the change gate may find it to be (it classifies the change itself).</summary>
    public string[] GateOperations { get; init; } = [];

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
        builder.WithMetadata(new EndpointAccess(operation, campaign));

    public static TBuilder RequireChangeGate<TBuilder>(this TBuilder builder, CampaignFrom campaign, params string[] operations) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new EndpointAccess(EndpointAccess.ChangeGate, campaign) { GateOperations = operations });

    public static TBuilder RequireAnyOf<TBuilder>(this TBuilder builder, string[] operations) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new EndpointAccess(EndpointAccess.AnyOf) { GateOperations = operations });

    public static TBuilder AllowPublic<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new EndpointAccess(EndpointAccess.Public));

    /// <summary>The scope the access check established for this request (principal and, for agents, their policy).</summary>
    public static AccessScope AccessScope(this HttpContext context) =>
        context.Items[typeof(AccessScope)] as AccessScope ?? new AccessScope(context.Principal(), null);

    public static IServiceCollection AddEndpointAccess(this IServiceCollection services) =>
        services.AddSingleton<ApiKeyAuthentication>().AddSingleton<AccessGate>();

    /// <summary>After routing (the gate reads the endpoint's declaration), before every endpoint.</summary>
    public static IApplicationBuilder UseAccessGate(this IApplicationBuilder app)
    {
        var gate = app.ApplicationServices.GetRequiredService<AccessGate>();
        return app.Use((context, next) => gate.Admit(context, next));
    }
}

/// <summary>
/// Every request's access, in one step: authenticate the caller, then check the endpoint's
/// declared operation and campaign against the caller's <see cref="MarketingActors.Governance.AccessScope"/>.
/// A route that declares nothing (or no route at all) needs <see cref="Operations.ManageAccess"/>,
/// so only admins reach it. Unauthenticated: 401 (or the sign-in page for a person's browser);
/// refused: the 403 problem every other refusal looks like, and a refused write is audited, as the
/// change gate audits the ones it refuses: who tried what, on which campaign, and why not.
/// One middleware of singletons in place of the framework's authentication, authorization and
/// result-handler chain, which resolved scoped services and read an AppContext switch under a lock
/// on every request (benchmarks-history.md, 2026-12-05).
/// </summary>
public sealed class AccessGate(ApiKeyAuthentication authentication, IGrainFactory grains)
{
    private static readonly EndpointAccess Undeclared = new(Operations.ManageAccess);

    public async Task Admit(HttpContext context, RequestDelegate next)
    {
        var access = context.GetEndpoint()?.Metadata.GetMetadata<EndpointAccess>() ?? Undeclared;
        var caller = await authentication.Authenticate(context);
        if (access.Operation == EndpointAccess.Public)
        {
            await next(context);
            return;
        }
        if (caller.Principal is not { } principal)
        {
            await ApiKeyAuthentication.Challenge(context, caller);
            return;
        }
        if (await Check(context, access, principal) is { } denial)
        {
            await Refuse(context, access, principal, denial);
            return;
        }
        await next(context);
    }

    private async Task<AccessDenial?> Check(HttpContext context, EndpointAccess access, Principal principal)
    {
        var policy = principal.Role == Roles.Agent ? await grains.GetGrain<IPrincipalRegistryGrain>(0).GetAgentPolicy(principal.Id) : null;
        var scope = new AccessScope(principal, policy);
        context.Items[typeof(AccessScope)] = scope;
        var campaignId = access.Campaign switch
        {
            CampaignFrom.Route => context.GetRouteValue("id") as string,
            CampaignFrom.Query => context.Request.Query["campaignId"].FirstOrDefault(),
            _ => null,
        };
        var denial = access.Operation is EndpointAccess.ChangeGate or EndpointAccess.AnyOf ? scope.CheckWrite(access.GateOperations, campaignId) : scope.Check(access.Operation, campaignId);
        if (denial is null && access.Campaign == CampaignFrom.Query && campaignId is null && scope.IsRestricted)
            denial = new("campaign_out_of_scope", $"this key reaches only some campaigns: pass ?campaignId= with one of them");
        return denial;
    }

    private async Task Refuse(HttpContext context, EndpointAccess access, Principal principal, AccessDenial denial)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            await grains.GetGrain<IAuditLogGrain>(0).Append([new AuditEntry
            {
                Kind = AuditKinds.Refusal,
                Principal = principal.Id,
                CampaignId = context.GetRouteValue("id") as string is { } id && Campaigns.CampaignIds.IsValid(id) ? id : null,
                Operation = access.GateOperations.FirstOrDefault() ?? access.Operation,
                Payload = AuditPayload.Of(new { reason = denial.Reason, errors = new[] { denial.Detail }, route = context.Request.Method + " " + context.Request.Path.Value },
                    GatewayJson.Options),
            }]);
        }
        await Problems.Of(StatusCodes.Status403Forbidden, denial.Reason, denial.Detail).ExecuteAsync(context);
    }
}
