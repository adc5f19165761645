using MarketingActors.Core.Governance;

namespace MarketingActors.Governance;

/// <summary>What the principal registry persists: keys, agent policies and allowances, sessions, the revocation epoch.</summary>
[GenerateSerializer, Alias("ma.principal-registry-state")]
public sealed class PrincipalRegistryState
{
    [Id(0)] public Dictionary<string, ApiKeyRecord> Keys { get; set; } = new();
    [Id(1)] public Dictionary<string, AgentPolicy> Policies { get; set; } = new();
    [Id(2)] public Dictionary<string, AgentAllowance> Allowances { get; set; } = new();
    /// <summary>Browser sessions by session id (the token's id part).</summary>
    [Id(3)] public Dictionary<string, SessionRecord> Sessions { get; set; } = new();
    /// <summary>Increases with every revocation; a key cache that sees it change forgets everything it holds.</summary>
    [Id(4)] public long RevocationEpoch { get; set; }
}

/// <summary>A signed-in browser: which key it acts as, the hash of its cookie secret, and its end.</summary>
[GenerateSerializer, Alias("ma.session-record")]
public sealed record SessionRecord(
    [property: Id(0)] string KeyId,
    [property: Id(1)] string SecretHash,
    [property: Id(2)] DateTimeOffset ExpiresAt);
