using System.Text.RegularExpressions;
using MarketingActors.Campaigns;
using MarketingActors.Governance;

namespace MarketingActors.Core.Governance;

/// <summary>Write-time checks for keys and agent policies: every problem with its field, nothing stored when any is found.</summary>
public static partial class AccessValidator
{
    public const string PrincipalRule = "1-128 characters of letters, digits, '@', '.', '_' or '-'";

    [GeneratedRegex("^[A-Za-z0-9@._-]{1,128}$")]
    private static partial Regex PrincipalPattern();

    public static bool IsValidPrincipalId(string? id) => id is not null && PrincipalPattern().IsMatch(id);

    /// <summary>Null when the request is fine; otherwise the reason (unknown_role or invalid_key_request) and every error.</summary>
    public static (string Reason, List<string> Errors)? Check(KeyRequest request)
    {
        var errors = new List<string>();
        if (!IsValidPrincipalId(request.PrincipalId)) errors.Add("principalId: " + PrincipalRule);
        var knownRole = Roles.All.Contains(request.Role);
        if (!knownRole) errors.Add($"role: unknown role '{request.Role}'; one of {string.Join(", ", Roles.All)}");
        foreach (var c in request.Campaigns.Where(c => !CampaignIds.IsValid(c))) errors.Add($"campaigns: '{c}' is not a campaign id ({CampaignIds.Rule})");
        if (request.Role == Roles.CampaignOwner && request.Campaigns.Length == 0) errors.Add("campaigns: a campaign owner needs at least one campaign");
        if (knownRole && request.Role != Roles.CampaignOwner && request.Campaigns.Length > 0)
            errors.Add($"campaigns: only campaign owners are scoped by the key; {request.Role} keys take none (an agent's scope is its policy)");
        if (errors.Count == 0) return null;
        return (knownRole ? "invalid_key_request" : "unknown_role", errors);
    }

    public static List<string> Check(AgentPolicy policy)
    {
        var errors = new List<string>();
        foreach (var op in policy.AllowedOperations.Distinct())
        {
            if (!Operations.AgentGrantable.Contains(op))
                errors.Add($"allowedOperations: '{op}' cannot be granted to an agent; grantable: {string.Join(", ", Operations.AgentGrantable)}");
        }
        if (policy.AllowedOperations.Length != policy.AllowedOperations.Distinct().Count()) errors.Add("allowedOperations: duplicates");
        foreach (var c in policy.Campaigns.Where(c => !CampaignIds.IsValid(c))) errors.Add($"campaigns: '{c}' is not a campaign id ({CampaignIds.Rule})");
        if (policy.AllowedOperations.Length > 0 && policy.Campaigns.Length == 0) errors.Add("campaigns: name the campaigns the agent may act on");
        if (policy.Channels.Any(string.IsNullOrWhiteSpace)) errors.Add("channels: blank channel");
        if (policy.Segments.Any(string.IsNullOrWhiteSpace)) errors.Add("segments: blank segment");
        if (policy.MaxBudgetChangePerDay is <= 0) errors.Add("maxBudgetChangePerDay: must be positive");
        if (policy.MaxBudgetChangePercentPerDay is { } pct && (!double.IsFinite(pct) || pct <= 0 || pct > 100))
            errors.Add("maxBudgetChangePercentPerDay: must be in (0, 100]");

        // Conflicts: a limit without its operation, or an operation that would be unbounded.
        var shifts = policy.AllowedOperations.Contains(Operations.ShiftBudget);
        var limited = policy.MaxBudgetChangePerDay is not null || policy.MaxBudgetChangePercentPerDay is not null;
        if (shifts && !limited) errors.Add("shift_budget: needs maxBudgetChangePerDay or maxBudgetChangePercentPerDay; an agent never moves budget unbounded");
        if (!shifts && limited) errors.Add("budget limits given but shift_budget is not granted: conflicting");
        if (policy.Channels.Length > 0 && !policy.AllowedOperations.Contains(Operations.CreateVariant))
            errors.Add("channels given but create_variant is not granted: conflicting");
        if (policy.Segments.Length > 0 && !policy.AllowedOperations.Contains(Operations.ChangeAudience))
            errors.Add("segments given but change_audience is not granted: conflicting");
        return errors;
    }
}
