namespace MarketingActors.Governance;

/// <summary>An admin's request for a new API key.</summary>
[GenerateSerializer, Immutable, Alias("ma.key-request")]
public sealed record KeyRequest
{
    /// <summary>The principal the key acts as, e.g. "ana@example.com" or "budget-agent".</summary>
    [Id(0)] public string PrincipalId { get; init; } = "";
    [Id(1)] public string Role { get; init; } = "";
    [Id(2)] public string[] Campaigns { get; init; } = [];
}

/// <summary>A key as stored and listed: never the secret, only its hash.</summary>
[GenerateSerializer, Immutable, Alias("ma.api-key")]
public sealed record ApiKeyRecord
{
    [Id(0)] public required string KeyId { get; init; }
    [Id(1)] public required Principal Principal { get; init; }
    [Id(2)] public required string SecretHash { get; init; }
    [Id(3)] public required string CreatedBy { get; init; }
    [Id(4)] public DateTimeOffset CreatedAt { get; init; }
    [Id(5)] public DateTimeOffset? RevokedAt { get; init; }
}

[GenerateSerializer, Immutable, Alias("ma.key-view")]
public sealed record KeyView
{
    [Id(0)] public required string KeyId { get; init; }
    [Id(1)] public required Principal Principal { get; init; }
    [Id(2)] public required string CreatedBy { get; init; }
    [Id(3)] public DateTimeOffset CreatedAt { get; init; }
    [Id(4)] public DateTimeOffset? RevokedAt { get; init; }
    /// <summary>The bearer token, present only in the answer that created the key.</summary>
    [Id(5)] public string? Token { get; init; }
}

/// <summary>
/// What an agent may do without a human: which operations on which campaigns, channels and
/// segments, and how much budget it may move per UTC day (absolute, and % of each campaign's total).
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.agent-policy")]
public sealed record AgentPolicy
{
    [Id(0)] public string[] AllowedOperations { get; init; } = [];
    [Id(1)] public string[] Campaigns { get; init; } = [];
    /// <summary>Channels a variant the agent creates may use; empty: any channel.</summary>
    [Id(2)] public string[] Channels { get; init; } = [];
    /// <summary>Segments (values of trait.segment) an audience the agent writes may target; empty: any.</summary>
    [Id(3)] public string[] Segments { get; init; } = [];
    [Id(4)] public decimal? MaxBudgetChangePerDay { get; init; }
    [Id(5)] public double? MaxBudgetChangePercentPerDay { get; init; }
    [Id(6)] public long Version { get; init; }
}

/// <summary>Either the stored thing, or why the write was refused (nothing applied).</summary>
[GenerateSerializer, Immutable, Alias("ma.access-result`1")]
public sealed record AccessResult<T>
{
    [Id(0)] public T? Value { get; init; }
    [Id(1)] public string? ErrorReason { get; init; }
    [Id(2)] public string[] Errors { get; init; } = [];

    public bool Succeeded => ErrorReason is null;
}

public static class AccessResult
{
    public static AccessResult<T> Ok<T>(T value) => new() { Value = value };
    public static AccessResult<T> Refused<T>(string reason, params string[] errors) => new() { ErrorReason = reason, Errors = errors };
}
