using MarketingActors.Campaigns;

namespace MarketingActors.Governance;

/// <summary>
/// A write to a campaign, as submitted through the API by anyone (owner, admin, agent). The change
/// gate classifies it into an operation, checks role, scope and agent policy, and applies, queues
/// or refuses it; approvals re-submit the same record.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.campaign-change")]
public sealed record CampaignChange
{
    [Id(0)] public required string Kind { get; init; }
    [Id(1)] public required string CampaignId { get; init; }
    [Id(2)] public CampaignDefinition? Definition { get; init; }
    [Id(3)] public BudgetEnvelope? Budget { get; init; }
    /// <summary>approve_variant: the action whose variant is approved.</summary>
    [Id(4)] public string? ActionId { get; init; }
}

public static class ChangeKinds
{
    public const string Create = "create";
    public const string Update = "update";
    public const string SetBudget = "set_budget";
    public const string Activate = "activate";
    public const string Pause = "pause";
    public const string Complete = "complete";
    public const string ApproveVariant = "approve_variant";
}

[GenerateSerializer, Alias("ma.change-status")]
public enum ChangeStatus
{
    Applied,
    Queued,
    Refused,
    Forbidden,
}

/// <summary>What became of a submitted change: applied (with the campaign), queued for approval, refused or forbidden.</summary>
[GenerateSerializer, Immutable, Alias("ma.change-outcome")]
public sealed record ChangeOutcome
{
    [Id(0)] public required ChangeStatus Status { get; init; }
    [Id(1)] public CampaignDefinition? Campaign { get; init; }
    [Id(2)] public string? ApprovalId { get; init; }
    [Id(3)] public string? Reason { get; init; }
    [Id(4)] public string[] Errors { get; init; } = [];
    /// <summary>Sensitive or agent-created variants that now wait for a reviewer, one approval each.</summary>
    [Id(5)] public string[] PendingVariantApprovals { get; init; } = [];
}
