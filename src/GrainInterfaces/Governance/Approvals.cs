namespace MarketingActors.Governance;

[GenerateSerializer, Alias("ma.approval-status")]
public enum ApprovalStatus
{
    Pending,
    Approved,
    Rejected,
    /// <summary>Approved, but the change could no longer be applied (e.g. the campaign moved on); see Outcome.</summary>
    Failed,
}

/// <summary>A change waiting for a human: who asked, what, why it was held back, and the reviewers' comments.</summary>
[GenerateSerializer, Immutable, Alias("ma.approval")]
public sealed record ApprovalRequest
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required Principal RequestedBy { get; init; }
    [Id(2)] public required string Operation { get; init; }
    [Id(3)] public required CampaignChange Change { get; init; }
    /// <summary>Why it needs approval: over_budget_limit, sensitive_variant, agent_created_variant, …</summary>
    [Id(4)] public required string Reason { get; init; }
    [Id(5)] public ApprovalStatus Status { get; init; }
    [Id(6)] public ApprovalComment[] Comments { get; init; } = [];
    [Id(7)] public string? DecidedBy { get; init; }
    [Id(8)] public DateTimeOffset CreatedAt { get; init; }
    [Id(9)] public DateTimeOffset? DecidedAt { get; init; }
    [Id(10)] public string? Outcome { get; init; }
}

[GenerateSerializer, Immutable, Alias("ma.approval-comment")]
public sealed record ApprovalComment
{
    [Id(0)] public required string By { get; init; }
    [Id(1)] public required string Text { get; init; }
    [Id(2)] public DateTimeOffset At { get; init; }
}
