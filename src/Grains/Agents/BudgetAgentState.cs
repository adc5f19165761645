namespace MarketingActors.Agents;

/// <summary>What the budget agent of one group persists: its configuration and its latest runs.</summary>
[GenerateSerializer, Alias("ma.budget-agent-state")]
public sealed class BudgetAgentState
{
    [Id(0)] public BudgetAgentGroup? Group { get; set; }
    [Id(1)] public List<BudgetAgentRun> Runs { get; set; } = [];
}
