namespace MarketingActors.Core.Budget;

/// <summary>Budget set aside for one decision on one silo's lease, until delivery confirms it or it is released.</summary>
[GenerateSerializer, Immutable, Alias("ma.budget-reservation")]
public sealed record BudgetReservation
{
    [Id(0)] public required string CampaignId { get; init; }
    [Id(1)] public required string LeaseId { get; init; }
    [Id(2)] public required decimal Amount { get; init; }
}
