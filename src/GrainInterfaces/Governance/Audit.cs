using MarketingActors.Decisions;

namespace MarketingActors.Governance;

/// <summary>
/// One row of the append-only audit log (the shape of the PostgreSQL table to come). Customers
/// appear only as <see cref="CustomerRef"/>, a random reference their grain holds: erasing the
/// customer forgets the reference, which unlinks the entries without changing a byte that is hashed.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.audit-entry")]
public sealed record AuditEntry
{
    [Id(0)] public long Sequence { get; init; }
    [Id(1)] public DateTimeOffset At { get; init; }
    [Id(2)] public required string Kind { get; init; }
    [Id(3)] public string? Principal { get; init; }
    [Id(4)] public string? CampaignId { get; init; }
    [Id(5)] public string? CustomerRef { get; init; }
    [Id(6)] public string? Operation { get; init; }
    [Id(7)] public string? ApprovalId { get; init; }
    /// <summary>JSON: before/after for changes, the decision (inputs, scores, verdicts) for decisions.</summary>
    [Id(8)] public AuditPayload Payload { get; init; }
    [Id(9)] public string PrevHash { get; init; } = "";
    [Id(10)] public string Hash { get; init; } = "";
    [Id(11)] public string? SubjectId { get; init; }
}

public static class AuditKinds
{
    public const string Decision = "decision";
    public const string Change = "change";
    public const string Refusal = "refusal";
    public const string Approval = "approval";
    public const string Access = "access";
    public const string KillSwitch = "kill_switch";
    public const string Erasure = "erasure";
    /// <summary>A delivery's final outcome (delivered, dead-lettered, blocked at send) or an operator's retry of it.</summary>
    public const string Delivery = "delivery";
    /// <summary>What the engine's own budget agent did on a look, with its rationale and the figures it used.</summary>
    public const string Agent = "agent";
    /// <summary>A consent change made through the engine itself (the one-click unsubscribe link).</summary>
    public const string Consent = "consent";
}

[GenerateSerializer, Immutable, Alias("ma.audit-query")]
public sealed record AuditQuery
{
    [Id(0)] public string? CampaignId { get; init; }
    [Id(1)] public string? CustomerRef { get; init; }
    [Id(2)] public string? Principal { get; init; }
    [Id(3)] public DateTimeOffset? From { get; init; }
    [Id(4)] public DateTimeOffset? To { get; init; }
    [Id(5)] public string? Kind { get; init; }
    [Id(6)] public string? SubjectId { get; init; }
    [Id(7)] public int Limit { get; init; } = 100;
}

/// <summary>The chain checked from its anchor: intact, or the first entry that was edited, removed or moved.</summary>
[GenerateSerializer, Immutable, Alias("ma.audit-verification")]
public sealed record AuditVerification
{
    [Id(0)] public bool Intact { get; init; }
    [Id(1)] public long Checked { get; init; }
    [Id(2)] public long? FirstBadSequence { get; init; }
    /// <summary>edited, missing_or_reordered, broken_link, segment_edited (cluster mode), rewritten_before_checkpoint, truncated_after_checkpoint.</summary>
    [Id(3)] public string? Problem { get; init; }
    /// <summary>The sequence before the oldest retained entry (bounded memory keeps only the newest entries).</summary>
    [Id(4)] public long AnchorSequence { get; init; }
    /// <summary>The head of an intact chain: record it elsewhere to also detect a later removal of the newest entries.</summary>
    [Id(5)] public long? LastSequence { get; init; }
    [Id(6)] public string? LastHash { get; init; }
    /// <summary>The signed checkpoint the chain was held against: the engine's latest, or one an operator supplied.</summary>
    [Id(7)] public AuditCheckpoint? Checkpoint { get; init; }
    /// <summary>False when there was no checkpoint, or it lies before the anchor (embedded mode dropped those entries): then truncation of the tail cannot be told.</summary>
    [Id(8)] public bool CheckpointChecked { get; init; }
}

/// <summary>
/// A signed statement that the audit log held <see cref="Sequence"/> entries ending in
/// <see cref="Hash"/> at <see cref="At"/>. Published outside the log (the engine's log output, a
/// metric, a file an operator keeps), so cutting off the log's tail or rewriting it with a fresh
/// chain is caught by comparing with the last checkpoint.
/// </summary>
[GenerateSerializer, Immutable, Alias("ma.audit-checkpoint")]
public sealed record AuditCheckpoint
{
    [Id(0)] public required long Sequence { get; init; }
    [Id(1)] public required string Hash { get; init; }
    [Id(2)] public required DateTimeOffset At { get; init; }
    [Id(3)] public required string KeyId { get; init; }
    [Id(4)] public required string Signature { get; init; }
}

/// <summary>"Why did the customer get action Y and not Z", answered from the logged decision.</summary>
[GenerateSerializer, Immutable, Alias("ma.decision-explanation")]
public sealed record DecisionExplanation
{
    [Id(0)] public required string DecisionId { get; init; }
    [Id(1)] public required string CampaignId { get; init; }
    [Id(2)] public string? ChosenActionId { get; init; }
    [Id(3)] public required string Reason { get; init; }
    [Id(4)] public CandidateVerdict[] Candidates { get; init; } = [];
    [Id(5)] public string ModelVersion { get; init; } = "";
    [Id(6)] public DecisionScores? Scores { get; init; }
    /// <summary>One sentence per compared action: why it was not the one chosen.</summary>
    [Id(7)] public string[] Answers { get; init; } = [];
    [Id(8)] public long AuditSequence { get; init; }
    /// <summary>The holdout draw of the decision (group, buckets, salt id), so "why nothing was sent" includes it.</summary>
    [Id(9)] public Measurement.HoldoutAssignment? Holdout { get; init; }
}
