using MarketingActors.Campaigns;

namespace MarketingActors.Governance;

/// <summary>What an agent has already moved today: the absolute sum, and per campaign against the total it had when the day began.</summary>
[GenerateSerializer, Alias("ma.agent-allowance")]
public sealed class AgentAllowance
{
    [Id(0)] public DateOnly Day { get; set; }
    [Id(1)] public decimal Moved { get; set; }
    [Id(2)] public Dictionary<string, CampaignAllowance> Campaigns { get; set; } = new();

    public void RollTo(DateOnly day)
    {
        if (Day == day) return;
        Day = day;
        Moved = 0;
        Campaigns.Clear();
    }
}

[GenerateSerializer, Alias("ma.campaign-allowance")]
public sealed class CampaignAllowance
{
    [Id(0)] public decimal BaseTotal { get; set; }
    [Id(1)] public decimal Moved { get; set; }
}

/// <summary>
/// Decides an agent's change: forbidden (operation, campaign, channel or segment outside its
/// policy), needs approval (beyond today's budget limits), or apply. Budget moves are measured
/// as |new total − old total|; the percentage is of the campaign's total at its first move today.
/// </summary>
public static class AgentPolicyEvaluator
{
    public const string SegmentField = "trait.segment";

    public static PolicyVerdict Evaluate(AgentPolicy? policy, string operation, CampaignChange change, CampaignDefinition? before, AgentAllowance allowance, DateOnly today)
    {
        if (policy is null) return PolicyVerdict.Forbid("no_agent_policy", "this agent has no policy; an admin must grant one");
        if (!policy.AllowedOperations.Contains(operation))
            return PolicyVerdict.Forbid("forbidden_operation", $"the agent's policy does not allow '{operation}'");
        if (!policy.Campaigns.Contains(change.CampaignId))
            return PolicyVerdict.Forbid("campaign_out_of_scope", $"campaign '{change.CampaignId}' is not in the agent's policy");
        if (before is null) return PolicyVerdict.Apply;

        switch (operation)
        {
            case Operations.CreateVariant when policy.Channels.Length > 0:
                var added = change.Definition!.Actions.Where(a => before.Actions.All(b => b.Id != a.Id));
                if (added.FirstOrDefault(a => !policy.Channels.Contains(a.Channel)) is { } outside)
                    return PolicyVerdict.Forbid("channel_out_of_scope", $"channel '{outside.Channel}' is not in the agent's policy");
                break;
            case Operations.ChangeAudience when policy.Segments.Length > 0:
                var segments = SegmentsOf(change.Definition!.Audience);
                if (segments.Count == 0 || segments.Any(s => !policy.Segments.Contains(s)))
                    return PolicyVerdict.Forbid("segment_out_of_scope",
                        $"the audience must target only segments {string.Join(", ", policy.Segments)} via {SegmentField}");
                break;
            case Operations.ShiftBudget:
                return CheckBudget(policy, change, before, allowance, today);
        }
        return PolicyVerdict.Apply;
    }

    /// <summary>Books an applied budget move against today's allowance (Evaluate said Apply).</summary>
    public static void Book(AgentAllowance allowance, CampaignChange change, CampaignDefinition before, DateOnly today, int sign = 1)
    {
        if (change.Kind != ChangeKinds.SetBudget || change.Budget is null) return;
        allowance.RollTo(today);
        var moved = Math.Abs(change.Budget.Total - before.Budget.Total) * sign;
        allowance.Moved += moved;
        var campaign = allowance.Campaigns.GetValueOrDefault(change.CampaignId) ?? new CampaignAllowance { BaseTotal = before.Budget.Total };
        campaign.Moved += moved;
        allowance.Campaigns[change.CampaignId] = campaign;
    }

    private static PolicyVerdict CheckBudget(AgentPolicy policy, CampaignChange change, CampaignDefinition before, AgentAllowance allowance, DateOnly today)
    {
        if (change.Budget is null) return PolicyVerdict.Apply;
        var moved = Math.Abs(change.Budget.Total - before.Budget.Total);
        var alreadyToday = allowance.Day == today ? allowance.Moved : 0;
        if (policy.MaxBudgetChangePerDay is { } max && alreadyToday + moved > max)
            return PolicyVerdict.Approval("over_budget_limit", $"moving {moved} would make {alreadyToday + moved} today; the agent may move {max} per day");
        if (policy.MaxBudgetChangePercentPerDay is { } pct)
        {
            var campaign = allowance.Day == today ? allowance.Campaigns.GetValueOrDefault(change.CampaignId) : null;
            var baseTotal = campaign?.BaseTotal ?? before.Budget.Total;
            var total = (campaign?.Moved ?? 0) + moved;
            var percent = baseTotal == 0 ? (total == 0 ? 0 : double.PositiveInfinity) : (double)(total / baseTotal) * 100;
            if (percent > pct)
                return PolicyVerdict.Approval("over_budget_limit", $"moving {moved} would change '{change.CampaignId}' by {percent:0.##}% today; the agent may change {pct}%");
        }
        return PolicyVerdict.Apply;
    }

    private static List<string> SegmentsOf(AudienceRule? rule)
    {
        if (rule is null) return [];
        return [.. rule.All.Concat(rule.Any)
            .Where(c => c.Field == SegmentField && c.Op is "eq" or "in")
            .SelectMany(c => c.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];
    }
}
