namespace MarketingActors.Governance;

/// <summary>Why a principal may not do something: a machine-readable reason and a sentence.</summary>
public sealed record AccessDenial(string Reason, string Detail);

/// <summary>
/// What one principal may reach: its role's operations and, for campaign owners (the key's
/// campaigns) and agents (their policy's campaigns and operations), which campaigns. Every route,
/// list and report asks the same object, so a page, a list and a JSON answer cannot disagree.
/// </summary>
public sealed record AccessScope(Principal Principal, AgentPolicy? Policy)
{
    /// <summary>Whether the principal sees only some campaigns (then a query must name one of them).</summary>
    public bool IsRestricted => Principal.Role is Roles.CampaignOwner or Roles.Agent;

    public bool Covers(string campaignId) => Principal.Role switch
    {
        Roles.CampaignOwner => Principal.Campaigns.Contains(campaignId, StringComparer.Ordinal),
        Roles.Agent => Policy?.Campaigns.Contains(campaignId, StringComparer.Ordinal) == true,
        _ => true,
    };

    /// <summary>Null when the principal may do <paramref name="operation"/> (on <paramref name="campaignId"/>, if the route names one).</summary>
    public AccessDenial? Check(string operation, string? campaignId)
    {
        if (!Operations.RoleAllows(Principal.Role, operation))
            return new("forbidden_operation", $"role '{Principal.Role}' may not {operation}");
        if (Principal.Role == Roles.Agent && (Policy is null || !Policy.AllowedOperations.Contains(operation)))
            return new("forbidden_operation", $"the agent's policy does not allow '{operation}'");
        return ScopeDenial(campaignId);
    }

    /// <summary>
    /// The coarse check of a campaign write before the change gate: null when the role may do at
    /// least one of <paramref name="operations"/> and the campaign is in scope. Which operation a
    /// write really is, and an agent's policy and limits, the gate decides from the change itself.
    /// </summary>
    public AccessDenial? CheckWrite(IReadOnlyCollection<string> operations, string? campaignId) =>
        operations.Any(op => Operations.RoleAllows(Principal.Role, op))
            ? ScopeDenial(campaignId)
            : new("forbidden_operation", $"role '{Principal.Role}' may not {string.Join(" or ", operations)}");

    private AccessDenial? ScopeDenial(string? campaignId) =>
        campaignId is not null && !Covers(campaignId) ? new("campaign_out_of_scope", $"campaign '{campaignId}' is not in this key's scope") : null;
}
