namespace MarketingActors.Governance;

/// <summary>Numbers, chains and stores audit entries in order; answers queries, verification and "why" from the store.</summary>
public sealed class AuditLogGrain(IAuditLog log, TimeProvider clock) : Grain, IAuditLogGrain
{
    public Task<AuditEntry[]> Append(AuditEntry[] drafts) => log.Append(drafts, clock.GetUtcNow());

    public Task<AuditEntry[]> Query(AuditQuery query) => log.Query(query);

    public Task<AuditVerification> Verify() => log.Verify();

    public async Task<DecisionExplanation?> Explain(string customerRef, string decisionId, string[] compareWith)
    {
        var hits = await log.Query(new AuditQuery { Kind = AuditKinds.Decision, CustomerRef = customerRef, SubjectId = decisionId, Limit = 1 });
        return hits.Length == 0 ? null : DecisionExplanations.From(hits[0], compareWith);
    }
}
