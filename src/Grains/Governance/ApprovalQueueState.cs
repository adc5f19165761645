namespace MarketingActors.Governance;

/// <summary>Every approval request by id, pending and decided.</summary>
[GenerateSerializer, Alias("ma.approval-queue-state")]
public sealed class ApprovalQueueState
{
    [Id(0)] public Dictionary<string, ApprovalRequest> Requests { get; set; } = new();
}
