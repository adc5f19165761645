using System.ComponentModel;
using MarketingActors.Campaigns;
using MarketingActors.Customers;
using MarketingActors.Gateway.Endpoints;
using MarketingActors.Gateway.Governance;
using MarketingActors.Gateway.Reports;
using MarketingActors.Governance;
using MarketingActors.Measurement;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace MarketingActors.Gateway.Agents;

/// <summary>What a budget move between two campaigns did: each side as the change gate answered it.</summary>
public sealed record BudgetShift(string From, string To, decimal Amount, string FromStatus, string ToStatus, CampaignDefinition? FromCampaign, CampaignDefinition? ToCampaign);

/// <summary>
/// The engine's tools over MCP. Each is the REST operation of the same name, through the same
/// checks: reads ask the caller's <see cref="AccessScope"/> (role, scope, agent policy); writes go
/// to the change gate (policy, limits, approvals, kill switch, audit) as the principal with
/// <c>Via = "mcp:&lt;tool&gt;"</c>, so the audit says the change came over MCP and by which tool.
/// Refusals are tool errors whose text starts with the machine-readable reason.
/// </summary>
[McpServerToolType, McpServerResourceType]
public sealed class AgentTools(IHttpContextAccessor http, IGrainFactory grains, TimeProvider clock)
{
    /// <summary>The operation each tool performs: a key whose role (or agent policy) lacks it does not see the tool.</summary>
    public static readonly IReadOnlyDictionary<string, string> OperationOf = new Dictionary<string, string>
    {
        ["list_campaigns"] = Operations.ReadPerformance,
        ["get_campaign"] = Operations.ReadPerformance,
        ["campaign_performance"] = Operations.ReadPerformance,
        ["campaign_report"] = Operations.ReadPerformance,
        ["campaign_audience"] = Operations.ReadPerformance,
        ["audience_size"] = Operations.ReadPerformance,
        ["explain_decision"] = Operations.ReadAudit,
        ["get_customer"] = Operations.ManageCustomerData,
        ["create_draft_campaign"] = Operations.CreateCampaign,
        ["set_budget"] = Operations.ShiftBudget,
        ["shift_budget"] = Operations.ShiftBudget,
        ["pause_campaign"] = Operations.Pause,
        ["resume_campaign"] = Operations.Activate,
        ["propose_variant"] = Operations.CreateVariant,
        ["list_approvals"] = Operations.Review,
        ["get_approval"] = Operations.Review,
    };

    private HttpContext Context => http.HttpContext ?? throw new InvalidOperationException("MCP tools run inside the HTTP request that called them");

    [McpServerTool(Name = "list_campaigns", Title = "List campaigns", ReadOnly = true, Idempotent = true, UseStructuredContent = true)]
    [Description("The campaigns this key reaches: id, name, status, budget envelope, actions and journey.")]
    public async Task<CampaignDefinition[]> ListCampaigns()
    {
        var scope = Read("list_campaigns", null);
        return [.. (await grains.GetGrain<ICampaignCatalogGrain>(0).GetSnapshot()).Campaigns.Where(c => scope.Covers(c.Id))];
    }

    [McpServerTool(Name = "get_campaign", Title = "Read a campaign", ReadOnly = true, Idempotent = true, UseStructuredContent = true)]
    [Description("One campaign's full definition.")]
    public async Task<CampaignDefinition> GetCampaign([Description("The campaign id.")] string campaignId)
    {
        Read("get_campaign", campaignId);
        return await grains.GetGrain<ICampaignGrain>(campaignId).Get() ?? throw NotFound(campaignId);
    }

    [McpServerTool(Name = "campaign_performance", Title = "Campaign performance", ReadOnly = true, Idempotent = true, UseStructuredContent = true)]
    [Description("A campaign's live state: budget ledger (total, spent, reserved, remaining), decisions, deliveries, failures, conversions, revenue, unsubscribes, complaints, and the evidence per variant.")]
    public async Task<CampaignState> CampaignPerformance([Description("The campaign id.")] string campaignId)
    {
        Read("campaign_performance", campaignId);
        return await grains.GetGrain<ICampaignGrain>(campaignId).GetState() ?? throw NotFound(campaignId);
    }

    [McpServerTool(Name = "campaign_report", Title = "Lift and ROI report", ReadOnly = true, Idempotent = true, UseStructuredContent = true)]
    [Description("Treated vs holdout: conversion lift with 95% intervals, incremental revenue, ROI and cost per incremental conversion, per channel and per action, since the campaign started or over the UTC days from..to.")]
    public async Task<LiftReport> CampaignReport([Description("The campaign id.")] string campaignId,
        [Description("First UTC day of the period (yyyy-MM-dd); omit for the whole campaign.")] string? from = null,
        [Description("Last UTC day of the period (yyyy-MM-dd, inclusive); defaults to today.")] string? to = null)
    {
        Read("campaign_report", campaignId);
        var (period, invalid) = ReportPeriod.Parse(from, to, clock);
        if (invalid is not null) throw new McpException($"{ReportPeriod.InvalidReason}: {invalid}");
        return await ReportPeriod.Load(grains.GetGrain<ICampaignGrain>(campaignId), period, latestScheduled: false) ?? throw NotFound(campaignId);
    }

    /// <summary>The same report as a resource a client can attach to a conversation (MCP resources), by URI.</summary>
    [McpServerResource(UriTemplate = "marketing://campaigns/{campaignId}/report", Name = "campaign_report", Title = "Campaign lift and ROI report", MimeType = "application/json")]
    [Description("A campaign's live lift and ROI report (treated vs holdout, per channel and action), as JSON.")]
    public async Task<string> CampaignReportResource(string campaignId) =>
        System.Text.Json.JsonSerializer.Serialize(await CampaignReport(campaignId), GatewayJson.Options);

    [McpServerTool(Name = "campaign_audience", Title = "Audience size", ReadOnly = true, Idempotent = true, UseStructuredContent = true)]
    [Description("Customers matching the campaign's audience rules, and of them those with marketing consent on its channels (counted while the campaign is active).")]
    public async Task<AudienceCount> CampaignAudience([Description("The campaign id.")] string campaignId)
    {
        Read("campaign_audience", campaignId);
        return (await grains.GetGrain<ICampaignGrain>(campaignId).GetState() ?? throw NotFound(campaignId)).Audience;
    }

    [McpServerTool(Name = "audience_size", Title = "Size an audience rule", ReadOnly = true, Idempotent = true, UseStructuredContent = true)]
    [Description("How many live customers an audience rule matches, and of them how many may be sent marketing on a channel: counted exactly for a small population, estimated from a uniform sample (95% intervals) for a large one. The rule has the shape of a campaign's audience.")]
    public async Task<AudienceEstimate> AudienceSize([Description("The audience rule: {\"all\": [conditions]} and/or {\"any\": [conditions]}, each condition {\"field\", \"op\", \"value\"}.")] AudienceRule rule,
        [Description("A channel (email, sms, push, ads, web, app) to count reachable customers on; omit for matching only.")] string? channel = null)
    {
        Read("audience_size", null);
        var answer = await AudienceEndpoints.Estimate(grains, new AudienceQuery { Rule = rule, Channel = channel });
        return answer.Estimate ?? throw new McpException($"{AudienceEstimateAnswer.InvalidReason}: {string.Join("; ", answer.Errors)}");
    }

    [McpServerTool(Name = "explain_decision", Title = "Explain a decision", ReadOnly = true, Idempotent = true, UseStructuredContent = true)]
    [Description("Why the engine decided what it did for a customer: the scores, model version and a verdict for every candidate, from the audit log.")]
    public async Task<DecisionExplanation> ExplainDecision([Description("The customer id.")] string customerId, [Description("The decision id.")] string decisionId)
    {
        var scope = Read("explain_decision", null);
        var reference = await Customer(customerId).GetAuditReference();
        return reference is not null && await grains.GetGrain<IAuditLogGrain>(0).Explain(reference, decisionId, []) is { } answer && scope.Covers(answer.CampaignId)
            ? answer : throw new McpException($"decision_not_found: no decision '{decisionId}' for customer '{customerId}' in this key's scope");
    }

    [McpServerTool(Name = "get_customer", Title = "Read a customer profile", ReadOnly = true, Idempotent = true, UseStructuredContent = true)]
    [Description("A customer's traits, consent, features, scores, journeys and recent decisions. An erased customer is unknown.")]
    public async Task<CustomerView> GetCustomer([Description("The customer id.")] string customerId)
    {
        Read("get_customer", null);
        var view = await Customer(customerId).GetView();
        return view.EventCount == 0 && view.MergedInto is null && view.MergedFrom.Length == 0
            ? throw new McpException($"unknown_customer: the engine has no events for customer '{customerId}'") : view;
    }

    [McpServerTool(Name = "create_draft_campaign", Title = "Create a draft campaign", Destructive = false, Idempotent = false, UseStructuredContent = true)]
    [Description("Creates a campaign as a draft (not deciding until someone activates it). The definition is validated like POST /v1/campaigns; every problem is listed.")]
    public Task<CampaignDefinition> CreateDraftCampaign([Description("The campaign definition (id, name, actions, journey, budget, guardrails).")] CampaignDefinition campaign) =>
        Write("create_draft_campaign", new CampaignChange { Kind = ChangeKinds.Create, CampaignId = campaign.Id, Definition = campaign with { Status = CampaignStatus.Draft } });

    [McpServerTool(Name = "set_budget", Title = "Change a campaign's budget", Destructive = false, Idempotent = true, UseStructuredContent = true)]
    [Description("Sets a campaign's budget envelope (total, optional daily, currency). Never below what is already committed. Beyond an agent's limits it waits for approval.")]
    public async Task<CampaignDefinition> SetBudget([Description("The campaign id.")] string campaignId, [Description("The new total.")] decimal total,
        [Description("The new daily cap; omit to keep none.")] decimal? daily = null)
    {
        var current = await Campaign(campaignId);
        return await Write("set_budget", new CampaignChange { Kind = ChangeKinds.SetBudget, CampaignId = campaignId, Budget = current.Budget with { Total = total, Daily = daily } });
    }

    [McpServerTool(Name = "shift_budget", Title = "Shift budget between campaigns", Destructive = false, Idempotent = false, UseStructuredContent = true)]
    [Description("Moves an amount of budget from one campaign's total to another's (same currency): two budget changes, the reduction first, each through the same limits and approvals as set_budget. If the increase waits for approval the reduction stands and the answer says so.")]
    public async Task<BudgetShift> ShiftBudget([Description("The campaign to take budget from.")] string fromCampaignId, [Description("The campaign to give it to.")] string toCampaignId,
        [Description("The amount, positive.")] decimal amount)
    {
        if (amount <= 0) throw new McpException("invalid_amount: amount must be positive");
        var from = await Campaign(fromCampaignId);
        var to = await Campaign(toCampaignId);
        if (from.Budget.Currency != to.Budget.Currency) throw new McpException($"currency_mismatch: {from.Budget.Currency} and {to.Budget.Currency}");
        var reduced = await Submit("shift_budget", new CampaignChange { Kind = ChangeKinds.SetBudget, CampaignId = from.Id, Budget = from.Budget with { Total = from.Budget.Total - amount, Daily = Clamp(from.Budget.Daily, from.Budget.Total - amount) } });
        if (reduced.Status != ChangeStatus.Applied) throw Refused(reduced);
        var raised = await Submit("shift_budget", new CampaignChange { Kind = ChangeKinds.SetBudget, CampaignId = to.Id, Budget = to.Budget with { Total = to.Budget.Total + amount } });
        return new BudgetShift(from.Id, to.Id, amount, "applied", raised.Status == ChangeStatus.Applied ? "applied" : raised.Status == ChangeStatus.Queued ? $"pending_approval {raised.ApprovalId}" : $"{raised.Reason}: {string.Join("; ", raised.Errors)}",
            reduced.Campaign, raised.Campaign);
    }

    [McpServerTool(Name = "pause_campaign", Title = "Pause a campaign", Destructive = true, Idempotent = true, UseStructuredContent = true)]
    [Description("Stops deciding for a campaign; its journeys wait. Resume with resume_campaign.")]
    public Task<CampaignDefinition> PauseCampaign([Description("The campaign id.")] string campaignId) =>
        Write("pause_campaign", new CampaignChange { Kind = ChangeKinds.Pause, CampaignId = campaignId });

    [McpServerTool(Name = "resume_campaign", Title = "Resume a campaign", Destructive = false, Idempotent = true, UseStructuredContent = true)]
    [Description("Starts (or resumes) deciding for a campaign.")]
    public Task<CampaignDefinition> ResumeCampaign([Description("The campaign id.")] string campaignId) =>
        Write("resume_campaign", new CampaignChange { Kind = ChangeKinds.Activate, CampaignId = campaignId });

    [McpServerTool(Name = "propose_variant", Title = "Propose a new variant", Destructive = false, Idempotent = false, UseStructuredContent = true)]
    [Description("Adds an action (a new variant, with its content) to a campaign. A variant an agent creates waits for a human's approval before the engine may choose it.")]
    public async Task<CampaignDefinition> ProposeVariant([Description("The campaign id.")] string campaignId, [Description("The new action: id, channel, variant, cost, content.")] ActionOption action)
    {
        var current = await Campaign(campaignId);
        if (current.Actions.Any(a => a.Id == action.Id)) throw new McpException($"duplicate_action: campaign '{campaignId}' already has an action '{action.Id}'");
        return await Write("propose_variant", new CampaignChange { Kind = ChangeKinds.Update, CampaignId = campaignId, Definition = current with { Actions = [.. current.Actions, action] } });
    }

    [McpServerTool(Name = "list_approvals", Title = "List approvals", ReadOnly = true, Idempotent = true, UseStructuredContent = true)]
    [Description("Approval requests of the campaigns this key reaches: the change, who asked, why it needs approval, its status.")]
    public async Task<ApprovalRequest[]> ListApprovals([Description("Only pending ones.")] bool pendingOnly = true)
    {
        var scope = Read("list_approvals", null);
        var all = await grains.GetGrain<IApprovalQueueGrain>(0).List(pendingOnly ? ApprovalStatus.Pending : null, null);
        return [.. all.Where(r => scope.Covers(r.Change.CampaignId))];
    }

    [McpServerTool(Name = "get_approval", Title = "Read an approval", ReadOnly = true, Idempotent = true, UseStructuredContent = true)]
    [Description("One approval request and what became of it.")]
    public async Task<ApprovalRequest> GetApproval([Description("The approval id.")] string approvalId)
    {
        var scope = Read("get_approval", null);
        return await grains.GetGrain<IApprovalQueueGrain>(0).Get(approvalId) is { } r && scope.Covers(r.Change.CampaignId)
            ? r : throw new McpException($"approval_not_found: no approval '{approvalId}'");
    }

    private AccessScope Read(string tool, string? campaignId)
    {
        var scope = Context.AccessScope();
        if (campaignId is not null && !CampaignIds.IsValid(campaignId)) throw NotFound(campaignId);
        return Denial(scope, tool, campaignId) is { } denial ? throw new McpException($"{denial.Reason}: {denial.Detail}") : scope;
    }

    /// <summary>Why this scope may not use the tool (on the campaign, when given); null when it may. The tool list is filtered by the same check.</summary>
    public static AccessDenial? Denial(AccessScope scope, string tool, string? campaignId) =>
        OperationOf.TryGetValue(tool, out var operation) ? scope.Check(operation, campaignId) : new("unknown_tool", $"no tool '{tool}'");

    private ICustomerGrain Customer(string customerId) => RequestText.IsValidId(customerId, CustomerEndpoints.MaxIdLength)
        ? grains.GetGrain<ICustomerGrain>(customerId)
        : throw new McpException($"invalid_customer_id: customer ids are {RequestText.IdRule(CustomerEndpoints.MaxIdLength)}");

    private async Task<CampaignDefinition> Campaign(string campaignId)
    {
        if (!CampaignIds.IsValid(campaignId) || !Context.AccessScope().Covers(campaignId)) throw NotFound(campaignId);
        return await grains.GetGrain<ICampaignGrain>(campaignId).Get() ?? throw NotFound(campaignId);
    }

    private Task<ChangeOutcome> Submit(string tool, CampaignChange change) =>
        grains.GetGrain<IChangeGateGrain>(0).Submit(Context.Principal() with { Via = "mcp:" + tool }, change);

    private async Task<CampaignDefinition> Write(string tool, CampaignChange change)
    {
        var outcome = await Submit(tool, change);
        return outcome.Status == ChangeStatus.Applied ? outcome.Campaign! : throw Refused(outcome);
    }

    /// <summary>Beyond limits: the approval id the change waits under. Outside policy or invalid: the reason and every problem.</summary>
    private static McpException Refused(ChangeOutcome outcome) => outcome.Status == ChangeStatus.Queued
        ? new McpException($"pending_approval: nothing was applied; the change waits for a reviewer as approval {outcome.ApprovalId} ({outcome.Reason})")
        : new McpException($"{outcome.Reason}: {string.Join("; ", outcome.Errors)}");

    private static McpException NotFound(string campaignId) => new($"campaign_not_found: no campaign '{campaignId}' in this key's scope");

    private static decimal? Clamp(decimal? daily, decimal total) => daily is { } d && d > total ? total : daily;
}
