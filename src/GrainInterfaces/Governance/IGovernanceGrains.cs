namespace MarketingActors.Governance;

/// <summary>Keys, roles and agent policies (one activation, key 0). Every write here is audited.</summary>
[Alias("ma.principal-registry")]
public interface IPrincipalRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Creates the first admin key when none exists; returns its token once, otherwise null.</summary>
    [Alias("bootstrap")]
    Task<string?> Bootstrap(string? configuredToken);

    /// <remarks>
    /// Reads interleave with everything (a revocation waiting for key caches must not stall
    /// authentication): each answers from the state as it is at that turn.
    /// </remarks>
    [Alias("authenticate"), Orleans.Concurrency.AlwaysInterleave]
    Task<Principal?> Authenticate(string token);

    /// <summary>
    /// A gateway's key cache registers for revocations and learns the current revocation epoch
    /// (a cache that sees it change drops everything). Repeated every <see cref="KeyRevocation.Resubscribe"/>;
    /// a cache that has not confirmed within <see cref="KeyRevocation.Lease"/> is not used.
    /// </summary>
    [Alias("subscribe-revocations"), Orleans.Concurrency.AlwaysInterleave]
    Task<long> SubscribeRevocations(IKeyRevocationObserver observer);

    /// <summary>Signs a person in with their key: a browser session of the key's principal, ended by the key's revocation.</summary>
    [Alias("open-session")]
    Task<AccessResult<SessionGrant>> OpenSession(string apiKey, TimeSpan lifetime);

    [Alias("authenticate-session"), Orleans.Concurrency.AlwaysInterleave]
    Task<Principal?> AuthenticateSession(string sessionToken);

    [Alias("close-session")]
    Task CloseSession(string sessionToken);

    [Alias("create-key")]
    Task<AccessResult<KeyView>> CreateKey(Principal actor, KeyRequest request);

    [Alias("revoke-key")]
    Task<AccessResult<KeyView>> RevokeKey(Principal actor, string keyId);

    [Alias("list-keys"), Orleans.Concurrency.AlwaysInterleave]
    Task<KeyView[]> ListKeys();

    [Alias("set-policy")]
    Task<AccessResult<AgentPolicy>> SetAgentPolicy(Principal actor, string agentId, AgentPolicy policy);

    [Alias("get-policy"), Orleans.Concurrency.AlwaysInterleave]
    Task<AgentPolicy?> GetAgentPolicy(string agentId);

    /// <summary>Checks an agent's change against its policy and, when it may apply, books it against today's limits.</summary>
    [Alias("authorize-agent")]
    Task<PolicyVerdict> AuthorizeAgentChange(string agentId, string operation, CampaignChange change, Campaigns.CampaignDefinition? before);

    /// <summary>Gives back what <see cref="AuthorizeAgentChange"/> booked when the change was then refused by the campaign.</summary>
    [Alias("release-agent")]
    Task ReleaseAgentChange(string agentId, CampaignChange change, Campaigns.CampaignDefinition? before);
}

/// <summary>What a gateway's key cache hears from the registry: every key revoked, before the revocation is answered.</summary>
[Alias("ma.key-revocation-observer")]
public interface IKeyRevocationObserver : IGrainObserver
{
    [Alias("revoked")]
    Task OnRevoked(long epoch);
}

/// <summary>How long a key cache may trust itself without hearing from the registry, and how often it renews.</summary>
public static class KeyRevocation
{
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan Resubscribe = TimeSpan.FromSeconds(1.5);
}

/// <summary>A browser session: the cookie token (shown once), and when it ends.</summary>
[GenerateSerializer, Immutable, Alias("ma.session-grant")]
public sealed record SessionGrant
{
    [Id(0)] public required string Token { get; init; }
    [Id(1)] public required DateTimeOffset ExpiresAt { get; init; }
    [Id(2)] public required Principal Principal { get; init; }
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

    /// <summary>Checks the chain and holds it against <paramref name="checkpoint"/>, or the latest checkpoint this log published.</summary>
    [Alias("verify"), Orleans.Concurrency.ReadOnly]
    Task<AuditVerification> Verify(AuditCheckpoint? checkpoint);

    /// <summary>Publishes a signed checkpoint of the head now (the timer does so every CheckpointInterval); null for an empty log.</summary>
    [Alias("checkpoint")]
    Task<AuditCheckpoint?> PublishCheckpoint();

    /// <summary>Whether the engine's audit key signed this checkpoint (an operator's copy from the log output, say).</summary>
    [Alias("check-signature"), Orleans.Concurrency.ReadOnly]
    Task<bool> IsSigned(AuditCheckpoint checkpoint);

    [Alias("explain"), Orleans.Concurrency.ReadOnly]
    Task<DecisionExplanation?> Explain(string customerRef, string decisionId, string[] compareWith);
}
