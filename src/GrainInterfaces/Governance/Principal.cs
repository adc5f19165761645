namespace MarketingActors.Governance;

/// <summary>Who is acting: the holder of one API key, with a role and (for owners and agents) the campaigns in scope.</summary>
[GenerateSerializer, Immutable, Alias("ma.principal")]
public sealed record Principal
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Role { get; init; }
    /// <summary>Campaign ids a campaign owner may manage; empty for roles that are not campaign-scoped.</summary>
    [Id(2)] public string[] Campaigns { get; init; } = [];
    [Id(3)] public string KeyId { get; init; } = "";
    /// <summary>How this request reached the engine when not by REST (e.g. "mcp:set_budget"): recorded in the audit of what it changes.</summary>
    [Id(4)] public string? Via { get; init; }

    public bool Covers(string campaignId) => Role == Roles.Admin || Campaigns.Contains(campaignId, StringComparer.Ordinal);
}

/// <summary>The five roles. Strings on the wire (snake_case) so an unknown role is a validation error with a reason, not a JSON error.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string CampaignOwner = "campaign_owner";
    public const string Agent = "agent";
    public const string EventWriter = "event_writer";
    public const string Reader = "reader";

    public static readonly string[] All = [Admin, CampaignOwner, Agent, EventWriter, Reader];
}

/// <summary>What a principal can ask the engine to do. Agent policies name a subset of <see cref="AgentGrantable"/>.</summary>
public static class Operations
{
    public const string ReadPerformance = "read_performance";
    public const string WriteEvents = "write_events";
    public const string CreateCampaign = "create_campaign";
    public const string UpdateCampaign = "update_campaign";
    public const string ShiftBudget = "shift_budget";
    public const string Pause = "pause";
    public const string Activate = "activate";
    public const string Complete = "complete";
    public const string CreateVariant = "create_variant";
    public const string ChangeAudience = "change_audience";
    public const string Review = "review";
    public const string ReadAudit = "read_audit";
    public const string KillSwitch = "kill_switch";
    public const string ManageAccess = "manage_access";
    public const string ManageCustomerData = "manage_customer_data";
    public const string ManageModels = "manage_models";
    /// <summary>Channel connectors and their secrets: where the engine sends and with which credentials, so admins only.</summary>
    public const string ManageConnectors = "manage_connectors";
    /// <summary>Cluster internals (the Orleans dashboard): every grain of every campaign, so admins only.</summary>
    public const string OperateCluster = "operate_cluster";

    public static readonly string[] AgentGrantable = [ReadPerformance, ShiftBudget, Pause, CreateVariant, ChangeAudience];

    private static readonly string[] OwnerOperations =
        [ReadPerformance, CreateCampaign, UpdateCampaign, ShiftBudget, Pause, Activate, Complete, CreateVariant, ChangeAudience, Review, ReadAudit];

    /// <summary>
    /// What a role may do at all, before scope and (for agents) policy. Agents get the grantable
    /// operations here; their policy narrows them further where the change is evaluated.
    /// </summary>
    public static bool RoleAllows(string role, string operation) => role switch
    {
        Roles.Admin => true,
        Roles.CampaignOwner => OwnerOperations.Contains(operation),
        Roles.Agent => AgentGrantable.Contains(operation),
        Roles.EventWriter => operation == WriteEvents,
        Roles.Reader => operation is ReadPerformance or ReadAudit,
        _ => false,
    };
}
