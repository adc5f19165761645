using MarketingActors.Campaigns;
using MarketingActors.Core.Governance;
using Microsoft.Extensions.Logging;
using MarketingActors.Storage;

namespace MarketingActors.Governance;

/// <summary>
/// API keys (hashed), roles, agent policies with each agent's budget allowance for the day, and
/// browser sessions. A revocation is pushed to every gateway's key cache before it is answered, so
/// a revoked key is refused on the next request everywhere; writes are refused to a revoked actor.
/// </summary>
public sealed class PrincipalRegistryGrain(
    [PersistentState("principals", StorageNames.Governance)] IPersistentState<PrincipalRegistryState> state,
    TimeProvider clock,
    ILogger<PrincipalRegistryGrain> logger) : Grain, IPrincipalRegistryGrain
{
    public const string BootstrapPrincipal = "bootstrap-admin";
    public const int MaxSessions = 10_000;
    private static readonly TimeSpan NotifyTimeout = TimeSpan.FromSeconds(2);

    private readonly Dictionary<IKeyRevocationObserver, DateTimeOffset> _caches = new();
    private DateTimeOffset _activatedAt;

    private PrincipalRegistryState S => state.State;
    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activatedAt = clock.GetUtcNow();
        return Task.CompletedTask;
    }

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

    public Task<Principal?> Authenticate(string token) => Task.FromResult(
        ApiKeyTokens.TryParse(token, out var keyId, out var secret) && LiveKey(keyId) is { } key && ApiKeyTokens.Matches(secret, key.SecretHash)
            ? key.Principal : null);

    public Task<long> SubscribeRevocations(IKeyRevocationObserver observer)
    {
        _caches[observer] = clock.GetUtcNow();
        return Task.FromResult(S.RevocationEpoch);
    }

    public async Task<AccessResult<SessionGrant>> OpenSession(string apiKey, TimeSpan lifetime)
    {
        if (await Authenticate(apiKey) is not { } principal) return AccessResult.Refused<SessionGrant>("invalid_api_key", "the API key is unknown, malformed or revoked");
        var now = clock.GetUtcNow();
        foreach (var gone in S.Sessions.Where(s => s.Value.ExpiresAt <= now || LiveKey(s.Value.KeyId) is null).Select(s => s.Key).ToList()) S.Sessions.Remove(gone);
        if (S.Sessions.Count >= MaxSessions) S.Sessions.Remove(S.Sessions.MinBy(s => s.Value.ExpiresAt).Key);
        var (sessionId, token, hash) = ApiKeyTokens.Issue(ApiKeyTokens.SessionPrefix);
        var expires = now + lifetime;
        S.Sessions[sessionId] = new SessionRecord(principal.KeyId, hash, expires);
        await state.WriteStateAsync();
        await Audit(AuditDrafts.Change(principal, "sign_in", null, null, new { keyId = principal.KeyId, expiresAt = expires }, subjectId: principal.KeyId));
        return AccessResult.Ok(new SessionGrant { Token = token, ExpiresAt = expires, Principal = principal });
    }

    public Task<Principal?> AuthenticateSession(string sessionToken) => Task.FromResult(
        ApiKeyTokens.TryParse(sessionToken, out var sessionId, out var secret, ApiKeyTokens.SessionPrefix)
        && S.Sessions.TryGetValue(sessionId, out var session) && session.ExpiresAt > clock.GetUtcNow()
        && ApiKeyTokens.Matches(secret, session.SecretHash) && LiveKey(session.KeyId) is { } key
            ? key.Principal : null);

    public async Task CloseSession(string sessionToken)
    {
        if (!ApiKeyTokens.TryParse(sessionToken, out var sessionId, out var secret, ApiKeyTokens.SessionPrefix)
            || !S.Sessions.TryGetValue(sessionId, out var session) || !ApiKeyTokens.Matches(secret, session.SecretHash)) return;
        S.Sessions.Remove(sessionId);
        S.RevocationEpoch++;
        await state.WriteStateAsync();
        await TellCaches();
    }

    public async Task<AccessResult<KeyView>> CreateKey(Principal actor, KeyRequest request)
    {
        if (ActorRefusal<KeyView>(actor) is { } refused) return refused;
        if (!Operations.RoleAllows(actor.Role, Operations.ManageAccess)) return AccessResult.Refused<KeyView>("forbidden_operation", "only admins manage keys");
        if (AccessValidator.Check(request) is { } invalid) return AccessResult.Refused<KeyView>(invalid.Reason, [.. invalid.Errors]);
        if (Rank(request.Role) > Rank(actor.Role))
            return AccessResult.Refused<KeyView>("forbidden_operation", $"a {actor.Role} key cannot create a {request.Role} key");
        var (keyId, token, hash) = ApiKeyTokens.Issue();
        var principal = new Principal { Id = request.PrincipalId, Role = request.Role, Campaigns = request.Campaigns, KeyId = keyId };
        var record = new ApiKeyRecord { KeyId = keyId, Principal = principal, SecretHash = hash, CreatedBy = actor.Id, CreatedAt = clock.GetUtcNow() };
        await Store(record, AuditDrafts.Change(actor, "create_key", null, null, ViewOf(record), subjectId: keyId));
        return AccessResult.Ok(ViewOf(record) with { Token = token });
    }

    /// <summary>Stored, audited and pushed to every gateway's key cache before this answers: the key is refused everywhere from the next request.</summary>
    public async Task<AccessResult<KeyView>> RevokeKey(Principal actor, string keyId)
    {
        if (ActorRefusal<KeyView>(actor) is { } refused) return refused;
        if (!Operations.RoleAllows(actor.Role, Operations.ManageAccess)) return AccessResult.Refused<KeyView>("forbidden_operation", "only admins manage keys");
        if (!S.Keys.TryGetValue(keyId, out var key)) return AccessResult.Refused<KeyView>("key_not_found", $"no key '{keyId}'");
        if (key.RevokedAt is not null) return AccessResult.Ok(ViewOf(key));
        var revoked = key with { RevokedAt = clock.GetUtcNow() };
        S.RevocationEpoch++;
        foreach (var session in S.Sessions.Where(s => s.Value.KeyId == keyId).Select(s => s.Key).ToList()) S.Sessions.Remove(session);
        await Store(revoked, AuditDrafts.Change(actor, "revoke_key", null, ViewOf(key), ViewOf(revoked), subjectId: keyId));
        await TellCaches();
        return AccessResult.Ok(ViewOf(revoked));
    }

    public Task<KeyView[]> ListKeys() => Task.FromResult(S.Keys.Values.OrderBy(k => k.CreatedAt).Select(ViewOf).ToArray());

    public async Task<AccessResult<AgentPolicy>> SetAgentPolicy(Principal actor, string agentId, AgentPolicy policy)
    {
        if (ActorRefusal<AgentPolicy>(actor) is { } refused) return refused;
        if (!Operations.RoleAllows(actor.Role, Operations.ManageAccess)) return AccessResult.Refused<AgentPolicy>("forbidden_operation", "only admins set agent policies");
        // The engine's own budget agent holds no key: it acts inside the silo, under the policy set here like any agent's.
        if (agentId != Agents.BudgetAgentGrain.PrincipalId && !S.Keys.Values.Any(k => k.Principal.Id == agentId && k.Principal.Role == Roles.Agent))
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

    /// <summary>A key usable now: present and not revoked.</summary>
    private ApiKeyRecord? LiveKey(string keyId) => S.Keys.TryGetValue(keyId, out var key) && key.RevokedAt is null ? key : null;

    /// <summary>
    /// A write on behalf of a key revoked meanwhile is refused here too, so no request that got past
    /// a gateway's check before the revocation can mint or change access after it. A principal
    /// without a key (API keys switched off for a local experiment) has nothing to revoke.
    /// </summary>
    private AccessResult<T>? ActorRefusal<T>(Principal actor) =>
        actor.KeyId.Length > 0 && LiveKey(actor.KeyId) is null ? AccessResult.Refused<T>("actor_revoked", "the key making this request has been revoked") : null;

    /// <summary>Admins issue every role; no role ranks above its issuer's.</summary>
    private static int Rank(string role) => role switch
    {
        Roles.Admin => 3,
        Roles.CampaignOwner or Roles.Agent => 2,
        _ => 1,
    };

    /// <summary>
    /// Pushes the new revocation epoch to every subscribed key cache. A cache confirms its
    /// subscription every <see cref="KeyRevocation.Resubscribe"/> and stops trusting itself
    /// <see cref="KeyRevocation.Lease"/> after the last one, so waiting out one lease — when this
    /// activation is younger than that (caches may still trust a subscription to the previous one)
    /// or a push failed — means no cache anywhere still honours the revoked key when this returns.
    /// </summary>
    private async Task TellCaches()
    {
        var settled = _activatedAt + KeyRevocation.Lease - clock.GetUtcNow();
        if (settled > TimeSpan.Zero) await Task.Delay(settled);
        var epoch = S.RevocationEpoch;
        var cutoff = clock.GetUtcNow() - KeyRevocation.Lease;
        foreach (var stale in _caches.Where(c => c.Value < cutoff).Select(c => c.Key).ToList()) _caches.Remove(stale);
        var failed = 0;
        await Task.WhenAll(_caches.Keys.ToList().Select(async cache =>
        {
            try
            {
                await cache.OnRevoked(epoch).WaitAsync(NotifyTimeout);
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref failed);
                _caches.Remove(cache);
                logger.LogWarning(e, "A gateway key cache did not take revocation epoch {Epoch}; waiting out its lease", epoch);
            }
        }));
        if (failed > 0) await Task.Delay(KeyRevocation.Lease);
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
