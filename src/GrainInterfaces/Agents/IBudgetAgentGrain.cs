namespace MarketingActors.Agents;

/// <summary>A group of campaigns the engine's budget agent may rebalance, and how: set by an admin, off until enabled.</summary>
[GenerateSerializer, Immutable, Alias("ma.budget-agent-group")]
public sealed record BudgetAgentGroup
{
    [Id(0)] public string[] Campaigns { get; init; } = [];
    [Id(1)] public bool Enabled { get; init; }
    /// <summary>How often the agent looks (at least a minute).</summary>
    [Id(2)] public TimeSpan Every { get; init; } = TimeSpan.FromHours(1);
    /// <summary>The share of the donor's unspent budget one step moves, in percent (1–50).</summary>
    [Id(3)] public decimal StepPercent { get; init; } = 10;
    [Id(4)] public decimal? MaxStep { get; init; }
    /// <summary>Decisions each arm (treated, holdout) of a campaign needs before its ROI interval counts.</summary>
    [Id(5)] public long MinDecisionsPerArm { get; init; } = 200;
    /// <summary>The recent UTC days whose ROI the agent prefers, when both arms hold enough decisions there (closer to the marginal return than the whole campaign's).</summary>
    [Id(6)] public int RecentDays { get; init; } = 7;
    /// <summary>A campaign whose unspent budget lasts longer than this many days at its pace of the last 24 hours is not short of money and receives none.</summary>
    [Id(7)] public double RunwayDays { get; init; } = 14;
}

/// <summary>One look of the agent at its group, and what it did.</summary>
[GenerateSerializer, Immutable, Alias("ma.budget-agent-run")]
public sealed record BudgetAgentRun
{
    [Id(0)] public required DateTimeOffset At { get; init; }
    /// <summary>"moved", "pending_approval", "no_clear_difference", "not_short_of_budget", "refused" or "disabled".</summary>
    [Id(1)] public required string Outcome { get; init; }
    [Id(2)] public string? Rationale { get; init; }
    [Id(3)] public string? From { get; init; }
    [Id(4)] public string? To { get; init; }
    [Id(5)] public decimal Amount { get; init; }
    [Id(6)] public string? ApprovalId { get; init; }
    [Id(7)] public string? Reason { get; init; }
    /// <summary>From an event or a figure to the change executed or queued, for the ops benchmark.</summary>
    [Id(8)] public double DurationMs { get; init; }
}

/// <summary>The engine's own budget agent for one campaign group (keyed by the group's name), a principal like any other.</summary>
[Alias("ma.budget-agent")]
public interface IBudgetAgentGrain : IGrainWithStringKey
{
    Task<Governance.AccessResult<BudgetAgentGroup>> Configure(Governance.Principal actor, BudgetAgentGroup group);

    Task<BudgetAgentGroup?> Get();

    /// <summary>Looks now (the schedule calls the same): reads each campaign's figures, and moves budget only when the rule says so.</summary>
    Task<BudgetAgentRun> RunNow();

    /// <summary>The latest runs, newest first.</summary>
    Task<BudgetAgentRun[]> History();
}
