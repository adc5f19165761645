using MarketingActors.Core.Governance;
using Orleans.Concurrency;
using MarketingActors.Storage;

namespace MarketingActors.Governance;

/// <summary>
/// Changes waiting for a human. Approving applies the change through the change gate on the
/// requester's behalf. Reentrant because applying an approved variant can open further approvals.
/// </summary>
[Reentrant]
public sealed class ApprovalQueueGrain(
    [PersistentState("approvals", StorageNames.Governance)] IPersistentState<ApprovalQueueState> state,
    TimeProvider clock) : Grain, IApprovalQueueGrain
{
    /// <summary>Decided requests beyond this many are forgotten (oldest first); the audit log keeps their history.</summary>
    public const int MaxDecided = 1_000;

    private ApprovalQueueState S => state.State;

    public async Task<ApprovalRequest> Enqueue(Principal requester, string operation, CampaignChange change, string reason)
    {
        var request = new ApprovalRequest
        {
            Id = "apr-" + Guid.CreateVersion7().ToString("N")[..20],
            RequestedBy = requester,
            Operation = operation,
            Change = change,
            Reason = reason,
            CreatedAt = clock.GetUtcNow(),
        };
        S.Requests[request.Id] = request;
        Prune();
        await state.WriteStateAsync();
        await Audit(requester, "request_approval", request, null);
        return request;
    }

    public Task<ApprovalRequest[]> List(ApprovalStatus? status, string? campaignId) => Task.FromResult(S.Requests.Values
        .Where(r => (status is null || r.Status == status) && (campaignId is null || r.Change.CampaignId == campaignId))
        .OrderBy(r => r.CreatedAt).ToArray());

    public Task<ApprovalRequest?> Get(string id) => Task.FromResult(S.Requests.GetValueOrDefault(id));

    public async Task<AccessResult<ApprovalRequest>> Approve(Principal reviewer, string id, string? comment)
    {
        if (Checked(reviewer, id) is { } refusal) return refusal;
        // Marked decided before applying, so a second reviewer racing in sees it is no longer pending.
        var decided = Decide(S.Requests[id], reviewer, ApprovalStatus.Approved, comment);
        await state.WriteStateAsync();
        var outcome = await GrainFactory.GetGrain<IChangeGateGrain>(0).ApplyApproved(decided, reviewer);
        var final = decided with
        {
            Status = outcome.Status == ChangeStatus.Applied ? ApprovalStatus.Approved : ApprovalStatus.Failed,
            Outcome = outcome.Status == ChangeStatus.Applied ? "applied" : $"{outcome.Reason}: {string.Join("; ", outcome.Errors)}",
        };
        S.Requests[id] = final;
        await state.WriteStateAsync();
        await Audit(reviewer, "approve", final, comment);
        return AccessResult.Ok(final);
    }

    public async Task<AccessResult<ApprovalRequest>> Reject(Principal reviewer, string id, string? comment)
    {
        if (Checked(reviewer, id) is { } refusal) return refusal;
        var decided = Decide(S.Requests[id], reviewer, ApprovalStatus.Rejected, comment) with { Outcome = "rejected" };
        S.Requests[id] = decided;
        await state.WriteStateAsync();
        await Audit(reviewer, "reject", decided, comment);
        return AccessResult.Ok(decided);
    }

    private AccessResult<ApprovalRequest>? Checked(Principal reviewer, string id)
    {
        if (!S.Requests.TryGetValue(id, out var request)) return AccessResult.Refused<ApprovalRequest>("approval_not_found", $"no approval '{id}'");
        return ReviewRules.Check(reviewer, request) is { } refused ? AccessResult.Refused<ApprovalRequest>(refused.Reason, refused.Detail) : null;
    }

    private ApprovalRequest Decide(ApprovalRequest request, Principal reviewer, ApprovalStatus status, string? comment)
    {
        var now = clock.GetUtcNow();
        var decided = request with
        {
            Status = status,
            DecidedBy = reviewer.Id,
            DecidedAt = now,
            Comments = string.IsNullOrWhiteSpace(comment) ? request.Comments : [.. request.Comments, new ApprovalComment { By = reviewer.Id, Text = comment, At = now }],
        };
        S.Requests[request.Id] = decided;
        return decided;
    }

    private void Prune()
    {
        var decided = S.Requests.Values.Where(r => r.Status != ApprovalStatus.Pending).OrderBy(r => r.CreatedAt).ToList();
        foreach (var old in decided.Take(Math.Max(0, decided.Count - MaxDecided))) S.Requests.Remove(old.Id);
    }

    private Task Audit(Principal actor, string operation, ApprovalRequest request, string? comment) =>
        GrainFactory.GetGrain<IAuditLogGrain>(0).Append([new AuditEntry
        {
            Kind = AuditKinds.Approval,
            Principal = actor.Id,
            CampaignId = request.Change.CampaignId,
            ApprovalId = request.Id,
            SubjectId = request.Id,
            Operation = operation,
            Payload = AuditJson.Of(new { request.Operation, request.Reason, request.Status, request.Outcome, requestedBy = request.RequestedBy.Id, comment }),
        }]);
}
