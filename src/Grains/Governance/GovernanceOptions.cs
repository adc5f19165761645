using System.ComponentModel.DataAnnotations;

namespace MarketingActors.Governance;

public sealed class GovernanceOptions
{
    public const string Section = "MarketingActors:Governance";

    /// <summary>Audit entries kept in memory in embedded mode; older ones are dropped behind a verification anchor.</summary>
    [Range(1_000, 10_000_000)] public int AuditCapacity { get; set; } = 200_000;

    /// <summary>Decisions waiting for the audit writer; when full, decisions wait (back-pressure) rather than go unaudited.</summary>
    [Range(1_000, 1_000_000)] public int DecisionAuditQueue { get; set; } = 65_536;

    /// <summary>Most decisions carried by one append (group commit).</summary>
    [Range(1, 100_000)] public int DecisionAuditBatch { get; set; } = 2_048;
}
