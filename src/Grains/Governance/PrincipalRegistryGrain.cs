using MarketingActors.Campaigns;

namespace MarketingActors.Governance;

[GenerateSerializer, Alias("ma.principal-registry-state")]
public sealed class PrincipalRegistryState
{
    [Id(0)] public Dictionary<string, ApiKeyRecord> Keys { get; set; } = new();
    [Id(1)] public Dictionary<string, AgentPolicy> Policies { get; set; } = new();
    [Id(2)] public Dictionary<string, AgentAllowance> Allowances { get; set; } = new();
}

/// <summary>API keys (hashed), roles and agent policies, with each agent's budget allowance for the day.</summary>
public sealed class PrincipalRegistryGrain(
    [PersistentState("principals", "governance")] IPersistentState<PrincipalRegistryState> state,
    TimeProvider clock) : Grain, IPrincipalRegistryGrain
{
    public const string BootstrapPrincipal = "bootstrap-admin";

    private PrincipalRegistryState S => state.State;
    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public async Task<string?> Bootstrap(string? configuredToken)
    {
        if (S.Keys.Values.Any(k => k.Principal.Role == Roles.Admin && k.RevokedAt is null)) return null;
        string keyId, token, hash;
        if (configuredToken is null) (keyId, token, hash) = ApiKeyTokens.Issue();
        else if (ApiKeyTokens.TryParse(configuredToken, out keyId, out var secret)) (token, hash) = (configuredToken, ApiKeyTokens.Hash(secret));
        else throw new ArgumentException("the configured bootstrap admin key is not a well-formed key (ma_<12 hex>_<43 base64url>)");
        var principal = new Principal { Id = BootstrapPrincipal, Role = Roles.Admin, KeyId = keyId };
        await Store(new ApiKeyRecord { KeyId = keyId, Principal = principal, SecretHash = hash, CreatedBy = "engine", CreatedAt = clock.GetUtcNow() },
            AuditDrafts.Change(principal, "create_key", null, null, new { keyId, principal.Role, bootstrap = true }, subjectId: keyId));
        return token;
    }

    public Task<Principal?> Authenticate(string token)
    {
        if (!ApiKeyTokens.TryParse(token, out var keyId, out var secret) || !S.Keys.TryGetValue(keyId, out var key) || key.RevokedAt is not null)
            return Task.FromResult<Principal?>(null);
        return Task.FromResult(ApiKeyTokens.Matches(secret, key.SecretHash) ? key.Principal : null);
    }

    public async Task<AccessResult<KeyView>> CreateKey(Principal actor, KeyRequest request)
    {
        if (!Operations.RoleAllows(actor.Role, Operations.ManageAccess)) return AccessResult.Refused<KeyView>("forbidden_operation", "only admins manage keys");
        if (AccessValidator.Check(request) is { } invalid) return AccessResult.Refused<KeyView>(invalid.Reason, [.. invalid.Errors]);
        var (keyId, token, hash) = ApiKeyTokens.Issue();
        var principal = new Principal { Id = request.PrincipalId, Role = request.Role, Campaigns = request.Campaigns, KeyId = keyId };
        var record = new ApiKeyRecord { KeyId = keyId, Principal = principal, SecretHash = hash, CreatedBy = actor.Id, CreatedAt = clock.GetUtcNow() };
        await Store(record, AuditDrafts.Change(actor, "create_key", null, null, ViewOf(record), subjectId: keyId));
        return AccessResult.Ok(ViewOf(record) with { Token = token });
    }

    public async Task<AccessResult<KeyView>> RevokeKey(Principal actor, string keyId)
    {
        if (!Operations.RoleAllows(actor.Role, Operations.ManageAccess)) return AccessResult.Refused<KeyView>("forbidden_operation", "only admins manage keys");
        if (!S.Keys.TryGetValue(keyId, out var key)) return AccessResult.Refused<KeyView>("key_not_found", $"no key '{keyId}'");
        if (key.RevokedAt is not null) return AccessResult.Ok(ViewOf(key));
        var revoked = key with { RevokedAt = clock.GetUtcNow() };
        await Store(revoked, AuditDrafts.Change(actor, "revoke_key", null, ViewOf(key), ViewOf(revoked), subjectId: keyId));
        return AccessResult.Ok(ViewOf(revoked));
    }

    public Task<KeyView[]> ListKeys() => Task.FromResult(S.Keys.Values.OrderBy(k => k.CreatedAt).Select(ViewOf).ToArray());

    public async Task<AccessResult<AgentPolicy>> SetAgentPolicy(Principal actor, string agentId, AgentPolicy policy)
    {
        if (!Operations.RoleAllows(actor.Role, Operations.ManageAccess)) return AccessResult.Refused<AgentPolicy>("forbidden_operation", "only admins set agent policies");
        if (!S.Keys.Values.Any(k => k.Principal.Id == agentId && k.Principal.Role == Roles.Agent))
            return AccessResult.Refused<AgentPolicy>("unknown_agent", $"no agent key for principal '{agentId}'; create one first");
        var errors = AccessValidator.Check(policy);
        if (errors.Count > 0) return AccessResult.Refused<AgentPolicy>("invalid_policy", [.. errors]);
        var before = S.Policies.GetValueOrDefault(agentId);
        var next = policy with { Version = (before?.Version ?? 0) + 1 };
        S.Policies[agentId] = next;
        await state.WriteStateAsync();
        await Audit(AuditDrafts.Change(actor, "set_agent_policy", null, before, next, subjectId: agentId));
        return AccessResult.Ok(next);
    }

    public Task<AgentPolicy?> GetAgentPolicy(string agentId) => Task.FromResult(S.Policies.GetValueOrDefault(agentId));

    public async Task<PolicyVerdict> AuthorizeAgentChange(string agentId, string operation, CampaignChange change, CampaignDefinition? before)
    {
        var allowance = S.Allowances.GetValueOrDefault(agentId) ?? new AgentAllowance();
        var verdict = AgentPolicyEvaluator.Evaluate(S.Policies.GetValueOrDefault(agentId), operation, change, before, allowance, Today);
        if (verdict.Outcome != PolicyOutcome.Apply || before is null || change.Kind != ChangeKinds.SetBudget) return verdict;
        // Booked before the change is applied so two concurrent moves cannot both fit the same allowance.
        AgentPolicyEvaluator.Book(allowance, change, before, Today);
        S.Allowances[agentId] = allowance;
        await state.WriteStateAsync();
        return verdict;
    }

    public async Task ReleaseAgentChange(string agentId, CampaignChange change, CampaignDefinition? before)
    {
        if (before is null || !S.Allowances.TryGetValue(agentId, out var allowance)) return;
        AgentPolicyEvaluator.Book(allowance, change, before, Today, sign: -1);
        await state.WriteStateAsync();
    }

    private async Task Store(ApiKeyRecord record, AuditEntry audit)
    {
        S.Keys[record.KeyId] = record;
        await state.WriteStateAsync();
        await Audit(audit);
    }

    private Task Audit(AuditEntry entry) => GrainFactory.GetGrain<IAuditLogGrain>(0).Append([entry with { Kind = AuditKinds.Access }]);

    private static KeyView ViewOf(ApiKeyRecord k) =>
        new() { KeyId = k.KeyId, Principal = k.Principal, CreatedBy = k.CreatedBy, CreatedAt = k.CreatedAt, RevokedAt = k.RevokedAt };
}
