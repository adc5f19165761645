using MarketingActors.Campaigns;
using MarketingActors.Governance;

namespace MarketingActors.Core.Governance;

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
    /// <summary>Moved on the total today.</summary>
    [Id(1)] public decimal Moved { get; set; }
    /// <summary>The effective daily cap (the total when uncapped) when the day began, and what was moved on it since.</summary>
    [Id(2)] public decimal BaseDaily { get; set; }
    [Id(3)] public decimal MovedDaily { get; set; }
}

/// <summary>
/// Decides an agent's change: forbidden (operation, campaign or channel outside its policy), needs
/// approval (beyond today's budget limits, or an audience not provably inside its segments), or
/// apply. Every field of the envelope is metered: a move is |Δ total| + |Δ daily cap| (an absent
/// cap counts as the total, so adding or removing one is a move of the difference); the percentages are of
/// the total and the daily cap the campaign had at its first move today, and the larger counts.
/// A change of currency re-prices everything, so it always needs a human.
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
                if (!IsWithinSegments(change.Definition!.Audience, policy.Segments))
                    return PolicyVerdict.Approval("segment_out_of_scope",
                        $"the audience is not provably inside segments {string.Join(", ", policy.Segments)}: it must require {SegmentField} eq/in those segments under 'all'");
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
        var (total, daily) = Moves(before.Budget, change.Budget);
        allowance.Moved += (total + daily) * sign;
        var campaign = allowance.Campaigns.GetValueOrDefault(change.CampaignId)
            ?? new CampaignAllowance { BaseTotal = before.Budget.Total, BaseDaily = EffectiveDaily(before.Budget) };
        campaign.Moved += total * sign;
        campaign.MovedDaily += daily * sign;
        allowance.Campaigns[change.CampaignId] = campaign;
    }

    /// <summary>
    /// Provably inside the permitted segments: some condition under <c>all</c> (a conjunction) is
    /// trait.segment eq/in values that are all permitted. Conditions under <c>any</c>, neq and
    /// missing segment conditions only widen or say nothing, so they prove nothing.
    /// </summary>
    public static bool IsWithinSegments(AudienceRule? rule, IReadOnlyCollection<string> permitted) =>
        rule?.All is { } all && all.Any(c =>
            c is { Field: SegmentField, Op: "eq" or "in" } && c.Value is not null &&
            // Empty entries stay: "vip," also matches customers whose segment is empty.
            c.Value.Split(',', StringSplitOptions.TrimEntries) is var values &&
            values.All(v => permitted.Contains(v, StringComparer.OrdinalIgnoreCase)) &&
            (c.Op == "in" || values.Length == 1));

    private static PolicyVerdict CheckBudget(AgentPolicy policy, CampaignChange change, CampaignDefinition before, AgentAllowance allowance, DateOnly today)
    {
        if (change.Budget is null) return PolicyVerdict.Apply;
        if (!string.Equals(change.Budget.Currency, before.Budget.Currency, StringComparison.Ordinal))
            return PolicyVerdict.Approval("currency_change", $"changing the currency from {before.Budget.Currency} to {change.Budget.Currency} re-prices the whole envelope");
        var (total, daily) = Moves(before.Budget, change.Budget);
        var moved = total + daily;
        var alreadyToday = allowance.Day == today ? allowance.Moved : 0;
        if (policy.MaxBudgetChangePerDay is { } max && alreadyToday + moved > max)
            return PolicyVerdict.Approval("over_budget_limit", $"moving {moved} (total {total}, daily cap {daily}) would make {alreadyToday + moved} today; the agent may move {max} per day");
        if (policy.MaxBudgetChangePercentPerDay is { } pct)
        {
            var campaign = allowance.Day == today ? allowance.Campaigns.GetValueOrDefault(change.CampaignId) : null;
            var percent = Math.Max(
                Percent(campaign?.BaseTotal ?? before.Budget.Total, (campaign?.Moved ?? 0) + total),
                Percent(campaign?.BaseDaily ?? EffectiveDaily(before.Budget), (campaign?.MovedDaily ?? 0) + daily));
            if (percent > pct)
                return PolicyVerdict.Approval("over_budget_limit", $"this move would change '{change.CampaignId}' by {percent:0.##}% today; the agent may change {pct}%");
        }
        return PolicyVerdict.Apply;
    }

    /// <summary>How far a new envelope moves the total and the daily cap (uncapped on both sides: the total's move says it all).</summary>
    private static (decimal Total, decimal Daily) Moves(BudgetEnvelope before, BudgetEnvelope after) =>
        (Math.Abs(after.Total - before.Total),
         before.Daily is null && after.Daily is null ? 0 : Math.Abs(EffectiveDaily(after) - EffectiveDaily(before)));

    /// <summary>Without a daily cap a campaign may spend its whole total in a day.</summary>
    private static decimal EffectiveDaily(BudgetEnvelope budget) => budget.Daily ?? budget.Total;

    private static double Percent(decimal baseAmount, decimal moved) =>
        baseAmount == 0 ? (moved == 0 ? 0 : double.PositiveInfinity) : (double)(moved / baseAmount) * 100;
}
