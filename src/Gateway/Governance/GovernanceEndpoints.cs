using MarketingActors.Campaigns;
using MarketingActors.Customers;
using MarketingActors.Events;
using MarketingActors.Gateway.Endpoints;
using MarketingActors.Governance;

namespace MarketingActors.Gateway.Governance;

/// <summary>Request body of approve/reject and of the kill switch.</summary>
public sealed record ReviewComment(string? Comment);

public sealed record KillSwitchRequest(bool Engaged, string? CampaignId);

/// <summary>A customer's data as the engine holds it: the live profile and every audit entry linked to it.</summary>
public sealed record CustomerExport(CustomerView Profile, AuditEntry[] AuditEntries, MarketingEvent[] JournaledEvents);

/// <summary>Keys, agent policies, approvals, audit, kill switch and customer data rights (erasure, export).</summary>
public static class GovernanceEndpoints
{
    public const int MaxAuditPage = 1_000;
    public const int MaxFilterLength = 128;

    public static void MapGovernanceEndpoints(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/v1/keys").WithTags("Access").RequireAccess(Operations.ManageAccess);
        keys.MapPost("/", CreateKey).WithName("CreateKey").WithSummary("Issues an API key; the token is in this answer only.")
            .Accepts<KeyRequest>("application/json").Produces<KeyView>(201).ProducesProblem(400).ProducesProblem(422);
        keys.MapGet("/", ListKeys).WithName("ListKeys").WithSummary("Every key (never its secret), with role, scope and whether it is revoked.").Produces<KeyView[]>().ProducesProblem(401);
        keys.MapDelete("/{keyId}", RevokeKey).WithName("RevokeKey").WithSummary("Revokes a key on every gateway before answering.")
            .Produces<KeyView>().ProducesProblem(404);

        var agents = app.MapGroup("/v1/agents").WithTags("Access").RequireAccess(Operations.ManageAccess);
        agents.MapPut("/{agentId}/policy", SetAgentPolicy).WithName("SetAgentPolicy").WithSummary("Sets what an agent may do: operations, campaigns, segments and daily limits.")
            .Accepts<AgentPolicy>("application/json").Produces<AgentPolicy>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(422);
        agents.MapGet("/{agentId}/policy", GetAgentPolicy).WithName("GetAgentPolicy").WithSummary("An agent's policy.").Produces<AgentPolicy>().ProducesProblem(404);

        var approvals = app.MapGroup("/v1/approvals").WithTags("Approvals").RequireAccess(Operations.Review);
        approvals.MapGet("/", ListApprovals).WithName("ListApprovals").WithSummary("The approvals of the campaigns this key reaches.")
            .Produces<ApprovalRequest[]>().ProducesProblem(400);
        approvals.MapGet("/{approvalId}", GetApproval).WithName("GetApproval").WithSummary("One approval request: the change, who asked, and its status.").Produces<ApprovalRequest>().ProducesProblem(404);
        approvals.MapPost("/{approvalId}/approve", (string approvalId, HttpContext context, IGrainFactory grains) => Review(approvalId, approve: true, context, grains))
            .WithName("Approve").WithSummary("Approves the change and applies it on the requester's behalf through the change gate.").Accepts<ReviewComment>("application/json").Produces<ApprovalRequest>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        approvals.MapPost("/{approvalId}/reject", (string approvalId, HttpContext context, IGrainFactory grains) => Review(approvalId, approve: false, context, grains))
            .WithName("Reject").WithSummary("Rejects the change; nothing is applied.").Accepts<ReviewComment>("application/json").Produces<ApprovalRequest>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        var audit = app.MapGroup("/v1/audit").WithTags("Audit");
        audit.MapGet("/", QueryAudit).WithName("QueryAudit").WithSummary("Newest first; filter by campaign, customer, principal, kind and time.")
            .RequireAccess(Operations.ReadAudit, CampaignFrom.Query).Produces<AuditEntry[]>().ProducesProblem(400);
        audit.MapGet("/verify", VerifyAudit).WithName("VerifyAudit").RequireAccess(Operations.ReadAudit)
            .WithSummary("Recomputes the keyed hash chain and checks it against the last signed checkpoint; names the first edited, missing or reordered entry.")
            .Produces<AuditVerification>().ProducesProblem(401);
        audit.MapPost("/verify", VerifyAgainst).WithName("VerifyAuditAgainstCheckpoint").RequireAccess(Operations.ReadAudit)
            .WithSummary("As GET, held against a checkpoint you kept (the JSON of an 'Audit checkpoint' log line); a checkpoint the engine's key did not sign is refused.")
            .Accepts<AuditCheckpoint>("application/json").Produces<AuditVerification>().ProducesProblem(400).ProducesProblem(422);
        audit.MapGet("/explain", ExplainDecision).WithName("ExplainDecision").RequireAccess(Operations.ReadAudit)
            .WithSummary("Why the customer got action Y and not Z, from the logged decision.").Produces<DecisionExplanation>().ProducesProblem(404);

        var kill = app.MapGroup("/v1/kill-switch").WithTags("Kill switch").RequireAccess(Operations.KillSwitch);
        kill.MapGet("/", GetKillSwitch).WithName("GetKillSwitch").WithSummary("Whether the global stop or any campaign's stop is engaged.").Produces<KillSwitchState>().ProducesProblem(401);
        kill.MapPost("/", SetKillSwitch).WithName("SetKillSwitch")
            .WithSummary("Engage or release the global stop (no campaignId) or one campaign's; every silo honours it before this answers.")
            .Accepts<KillSwitchRequest>("application/json").Produces<KillSwitchState>().ProducesProblem(400);

        var customers = app.MapGroup("/v1/customers").WithTags("Customers").RequireAccess(Operations.ManageCustomerData);
        customers.MapDelete("/{id}", EraseCustomer).WithName("EraseCustomer")
            .WithSummary("Right to erasure: state and journaled events deleted; audit entries stay but can no longer be linked to the customer.")
            .Produces(204).ProducesProblem(400);
        customers.MapGet("/{id}/export", ExportCustomer).WithName("ExportCustomer")
            .WithSummary("Everything held about the customer: profile, consent, journeys, journaled events and logged decisions.").Produces<CustomerExport>().ProducesProblem(400);
    }

    private static async Task<IResult> CreateKey(HttpContext context, IGrainFactory grains)
    {
        var (request, error) = await JsonBody.Read<KeyRequest>(context.Request);
        if (error is not null) return error;
        var result = await Registry(grains).CreateKey(context.Principal(), request!);
        return result.Succeeded ? Results.Created($"/v1/keys/{result.Value!.KeyId}", result.Value) : Refused(result);
    }

    private static async Task<IResult> ListKeys(IGrainFactory grains) => Results.Ok(await Registry(grains).ListKeys());

    private static async Task<IResult> RevokeKey(string keyId, HttpContext context, IGrainFactory grains) =>
        Answer(await Registry(grains).RevokeKey(context.Principal(), keyId));

    private static async Task<IResult> SetAgentPolicy(string agentId, HttpContext context, IGrainFactory grains)
    {
        var (policy, error) = await JsonBody.Read<AgentPolicy>(context.Request);
        if (error is not null) return error;
        return Answer(await Registry(grains).SetAgentPolicy(context.Principal(), agentId, policy!));
    }

    private static async Task<IResult> GetAgentPolicy(string agentId, IGrainFactory grains) =>
        await Registry(grains).GetAgentPolicy(agentId) is { } p ? Results.Ok(p) : Problems.Of(404, "policy_not_found", $"no policy for agent '{agentId}'");

    private static async Task<IResult> ListApprovals(string? status, string? campaignId, HttpContext context, IGrainFactory grains)
    {
        ApprovalStatus? filter = null;
        if (status is not null)
        {
            if (!Enum.TryParse<ApprovalStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                return Problems.Of(400, "invalid_status", "status is one of pending, approved, rejected, failed");
            filter = parsed;
        }
        var scope = context.AccessScope();
        var all = await Approvals(grains).List(filter, campaignId);
        return Results.Ok(all.Where(r => scope.Covers(r.Change.CampaignId)).ToArray());
    }

    private static async Task<IResult> GetApproval(string approvalId, HttpContext context, IGrainFactory grains) =>
        await Approvals(grains).Get(approvalId) is { } r && context.AccessScope().Covers(r.Change.CampaignId)
            ? Results.Ok(r) : Problems.Of(404, "approval_not_found", $"no approval '{approvalId}'");

    private static async Task<IResult> Review(string approvalId, bool approve, HttpContext context, IGrainFactory grains)
    {
        var comment = (string?)null;
        // The comment is optional: a bodiless POST approves or rejects without one (chunked bodies have no length, so look at the type).
        if (context.Request.ContentType is not null || context.Request.ContentLength is > 0)
        {
            var (body, error) = await JsonBody.Read<ReviewComment>(context.Request, 16 * 1024);
            if (error is not null) return error;
            comment = body!.Comment;
        }
        var queue = Approvals(grains);
        return Answer(approve ? await queue.Approve(context.Principal(), approvalId, comment) : await queue.Reject(context.Principal(), approvalId, comment));
    }

    private static async Task<IResult> QueryAudit(string? campaignId, string? customerId, string? principal, string? kind, DateTimeOffset? from, DateTimeOffset? to, int? limit,
        IGrainFactory grains)
    {
        if (limit is < 1 or > MaxAuditPage) return Problems.Of(400, "invalid_limit", $"limit is 1..{MaxAuditPage}");
        if (new[] { campaignId, principal, kind }.Any(f => f is not null && !RequestText.IsValidId(f, MaxFilterLength)))
            return Problems.Of(400, "invalid_filter", $"campaignId, principal and kind are {RequestText.IdRule(MaxFilterLength)}");
        string? customerRef = null;
        if (customerId is not null)
        {
            if (CustomerEndpoints.InvalidId(customerId) is { } invalid) return invalid;
            customerRef = await grains.GetGrain<ICustomerGrain>(customerId).GetAuditReference();
            if (customerRef is null) return Results.Ok(Array.Empty<AuditEntry>());
        }
        var query = new AuditQuery { CampaignId = campaignId, CustomerRef = customerRef, Principal = principal, Kind = kind, From = from, To = to, Limit = limit ?? 100 };
        return Results.Ok(await Log(grains).Query(query));
    }

    private static async Task<IResult> VerifyAudit(IGrainFactory grains) => Results.Ok(await Log(grains).Verify(null));

    private static async Task<IResult> VerifyAgainst(HttpContext context, IGrainFactory grains)
    {
        var (checkpoint, error) = await JsonBody.Read<AuditCheckpoint>(context.Request, 16 * 1024);
        if (error is not null) return error;
        if (!await Log(grains).IsSigned(checkpoint!))
            return Problems.Of(422, "invalid_checkpoint", "this checkpoint was not signed with the engine's audit key, or was altered");
        return Results.Ok(await Log(grains).Verify(checkpoint));
    }

    private static async Task<IResult> ExplainDecision(string? customerId, string? decisionId, string? compare, HttpContext context, IGrainFactory grains)
    {
        if (!RequestText.IsValidId(customerId, CustomerEndpoints.MaxIdLength) || string.IsNullOrWhiteSpace(decisionId) || decisionId.Length > MaxFilterLength)
            return Problems.Of(400, "missing_parameters", "pass ?customerId=&decisionId= (and optionally &compare=actionA,actionB)");
        var reference = await grains.GetGrain<ICustomerGrain>(customerId!).GetAuditReference();
        var compared = compare?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        // A decision of a campaign outside the key's scope is as absent as one that never happened.
        return reference is not null && await Log(grains).Explain(reference, decisionId, compared) is { } answer && context.AccessScope().Covers(answer.CampaignId)
            ? Results.Ok(answer)
            : Problems.Of(404, "decision_not_found", $"no logged decision '{decisionId}' for customer '{customerId}'");
    }

    private static async Task<IResult> GetKillSwitch(IGrainFactory grains) => Results.Ok((await grains.GetGrain<ICampaignCatalogGrain>(0).GetSnapshot()).KillSwitch);

    private static async Task<IResult> SetKillSwitch(HttpContext context, IGrainFactory grains)
    {
        var (request, error) = await JsonBody.Read<KillSwitchRequest>(context.Request, 16 * 1024);
        if (error is not null) return error;
        if (request!.CampaignId is { } id && !CampaignIds.IsValid(id)) return Problems.Of(400, "invalid_campaign", "campaignId: " + CampaignIds.Rule);
        return Results.Ok(await grains.GetGrain<IChangeGateGrain>(0).SetKillSwitch(context.Principal(), request.CampaignId, request.Engaged));
    }

    private static async Task<IResult> EraseCustomer(string id, HttpContext context, IGrainFactory grains)
    {
        if (CustomerEndpoints.InvalidId(id) is { } invalid) return invalid;
        var forgotten = await grains.GetGrain<ICustomerGrain>(id).Erase();
        // The erasure entry names neither the id nor the forgotten reference: it proves an erasure happened, not whose.
        await Log(grains).Append([new AuditEntry { Kind = AuditKinds.Erasure, Principal = context.Principal().Id, Operation = "erase_customer",
            Payload = AuditPayload.Of(new { hadDecisions = forgotten is not null }, GatewayJson.Options) }]);
        return Results.NoContent();
    }

    private static async Task<IResult> ExportCustomer(string id, IGrainFactory grains)
    {
        if (CustomerEndpoints.InvalidId(id) is { } invalid) return invalid;
        var customer = grains.GetGrain<ICustomerGrain>(id);
        var reference = await customer.GetAuditReference();
        var entries = reference is null ? [] : await Log(grains).Query(new AuditQuery { CustomerRef = reference, Limit = MaxAuditPage });
        return Results.Ok(new CustomerExport(await customer.GetView(), entries, await customer.GetJournaledEvents()));
    }

    private static IPrincipalRegistryGrain Registry(IGrainFactory grains) => grains.GetGrain<IPrincipalRegistryGrain>(0);
    private static IApprovalQueueGrain Approvals(IGrainFactory grains) => grains.GetGrain<IApprovalQueueGrain>(0);
    private static IAuditLogGrain Log(IGrainFactory grains) => grains.GetGrain<IAuditLogGrain>(0);

    private static IResult Answer<T>(AccessResult<T> result) => result.Succeeded ? Results.Ok(result.Value) : Refused(result);

    private static IResult Refused<T>(AccessResult<T> result)
    {
        var status = result.ErrorReason switch
        {
            "key_not_found" or "approval_not_found" or "unknown_agent" => 404,
            "forbidden_operation" or "campaign_out_of_scope" or "self_approval" or "actor_revoked" => 403,
            "approval_not_pending" => 409,
            // Read and typed, but its content is refused: every problem is listed in errors.
            _ => 422,
        };
        return Problems.Of(status, result.ErrorReason!, string.Join("; ", result.Errors), result.Errors);
    }
}
