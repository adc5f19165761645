namespace MarketingActors.Governance;

/// <summary>Keys, roles and agent policies (one activation, key 0). Every write here is audited.</summary>
[Alias("ma.principal-registry")]
public interface IPrincipalRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Creates the first admin key when none exists; returns its token once, otherwise null.</summary>
    [Alias("bootstrap")]
    Task<string?> Bootstrap(string? configuredToken);

    [Alias("authenticate"), Orleans.Concurrency.ReadOnly]
    Task<Principal?> Authenticate(string token);

    [Alias("create-key")]
    Task<AccessResult<KeyView>> CreateKey(Principal actor, KeyRequest request);

    [Alias("revoke-key")]
    Task<AccessResult<KeyView>> RevokeKey(Principal actor, string keyId);

    [Alias("list-keys"), Orleans.Concurrency.ReadOnly]
    Task<KeyView[]> ListKeys();

    [Alias("set-policy")]
    Task<AccessResult<AgentPolicy>> SetAgentPolicy(Principal actor, string agentId, AgentPolicy policy);

    [Alias("get-policy"), Orleans.Concurrency.ReadOnly]
    Task<AgentPolicy?> GetAgentPolicy(string agentId);

    /// <summary>Checks an agent's change against its policy and, when it may apply, books it against today's limits.</summary>
    [Alias("authorize-agent")]
    Task<PolicyVerdict> AuthorizeAgentChange(string agentId, string operation, CampaignChange change, Campaigns.CampaignDefinition? before);

    /// <summary>Gives back what <see cref="AuthorizeAgentChange"/> booked when the change was then refused by the campaign.</summary>
    [Alias("release-agent")]
    Task ReleaseAgentChange(string agentId, CampaignChange change, Campaigns.CampaignDefinition? before);
}

[GenerateSerializer, Alias("ma.policy-outcome")]
public enum PolicyOutcome
{
    Apply,
    NeedsApproval,
    Forbidden,
}

[GenerateSerializer, Immutable, Alias("ma.policy-verdict")]
public sealed record PolicyVerdict
{
    [Id(0)] public required PolicyOutcome Outcome { get; init; }
    [Id(1)] public string? Reason { get; init; }
    [Id(2)] public string? Detail { get; init; }

    public static readonly PolicyVerdict Apply = new() { Outcome = PolicyOutcome.Apply };
    public static PolicyVerdict Approval(string reason, string detail) => new() { Outcome = PolicyOutcome.NeedsApproval, Reason = reason, Detail = detail };
    public static PolicyVerdict Forbid(string reason, string detail) => new() { Outcome = PolicyOutcome.Forbidden, Reason = reason, Detail = detail };
}

/// <summary>The one door for campaign writes: classifies, authorizes, applies or queues, and audits.</summary>
[Alias("ma.change-gate")]
public interface IChangeGateGrain : IGrainWithIntegerKey
{
    [Alias("submit")]
    Task<ChangeOutcome> Submit(Principal actor, CampaignChange change);

    /// <summary>Applies a change a reviewer approved, on behalf of its requester, recording the approval id.</summary>
    [Alias("apply-approved")]
    Task<ChangeOutcome> ApplyApproved(ApprovalRequest request, Principal reviewer);

    [Alias("kill-switch")]
    Task<Campaigns.KillSwitchState> SetKillSwitch(Principal actor, string? campaignId, bool engaged);
}

/// <summary>Changes waiting for a human (one activation, key 0).</summary>
[Alias("ma.approval-queue")]
public interface IApprovalQueueGrain : IGrainWithIntegerKey
{
    [Alias("enqueue")]
    Task<ApprovalRequest> Enqueue(Principal requester, string operation, CampaignChange change, string reason);

    [Alias("list"), Orleans.Concurrency.ReadOnly]
    Task<ApprovalRequest[]> List(ApprovalStatus? status, string? campaignId);

    [Alias("get"), Orleans.Concurrency.ReadOnly]
    Task<ApprovalRequest?> Get(string id);

    /// <summary>Approves and applies through the change gate; refused for the requester themselves.</summary>
    [Alias("approve")]
    Task<AccessResult<ApprovalRequest>> Approve(Principal reviewer, string id, string? comment);

    [Alias("reject")]
    Task<AccessResult<ApprovalRequest>> Reject(Principal reviewer, string id, string? comment);
}

/// <summary>The hash-chained audit log (one activation, key 0) over an <c>IAuditLog</c> store.</summary>
[Alias("ma.audit-log")]
public interface IAuditLogGrain : IGrainWithIntegerKey
{
    [Alias("append")]
    Task<AuditEntry[]> Append(AuditEntry[] drafts);

    [Alias("query"), Orleans.Concurrency.ReadOnly]
    Task<AuditEntry[]> Query(AuditQuery query);

    [Alias("verify"), Orleans.Concurrency.ReadOnly]
    Task<AuditVerification> Verify();

    [Alias("explain"), Orleans.Concurrency.ReadOnly]
    Task<DecisionExplanation?> Explain(string customerRef, string decisionId, string[] compareWith);
}
