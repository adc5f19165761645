using System.ComponentModel.DataAnnotations;

namespace MarketingActors.Core.Governance;

/// <summary>How a decision's audit entry holds the decision: its binary record, or its JSON as versions before the records wrote it.</summary>
public enum DecisionPayloadFormat
{
    Record,
    Json,
}

public sealed class GovernanceOptions : IValidatableObject
{
    public const string Section = "MarketingActors:Governance";

    /// <summary>
    /// Base64 of at least 32 random bytes: the key of the audit chain's HMAC and of its checkpoint
    /// signatures. Keep it outside the database (a secret store, an environment variable). Required
    /// in cluster mode; embedded mode uses a random key per process when it is absent.
    /// </summary>
    public string? AuditKey { get; set; }

    /// <summary>How often the audit log publishes a signed checkpoint of its head (when the head moved).</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A file the checkpoints are appended to as JSON lines (besides the log output); verification reads its last line after a restart.</summary>
    public string? CheckpointFile { get; set; }

    /// <summary>Audit entries kept in memory in embedded mode; older ones are dropped behind a verification anchor.</summary>
    [Range(1_000, 10_000_000)] public int AuditCapacity { get; set; } = 200_000;

    /// <summary>Decisions waiting for the audit writer; when full, decisions wait (back-pressure) rather than go unaudited.</summary>
    [Range(1_000, 1_000_000)] public int DecisionAuditQueue { get; set; } = 65_536;

    /// <summary>Most decisions carried by one append (group commit).</summary>
    [Range(1, 100_000)] public int DecisionAuditBatch { get; set; } = 2_048;

    /// <summary>
    /// How decision entries hold their decision. <see cref="DecisionPayloadFormat.Json"/> only while a rolling upgrade
    /// from a version before the records still has older silos: they hash a payload as text and read only UTF-8 ones.
    /// </summary>
    [EnumDataType(typeof(DecisionPayloadFormat))] public DecisionPayloadFormat DecisionPayload { get; set; } = DecisionPayloadFormat.Record;

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (AuditKey is { } key && !IsKey(key))
            yield return new($"AuditKey must be base64 of at least {AuditSeal.MinKeyBytes} bytes (e.g. `openssl rand -base64 32`)", [nameof(AuditKey)]);
        if (CheckpointInterval < TimeSpan.FromSeconds(1) || CheckpointInterval > TimeSpan.FromDays(1))
            yield return new("CheckpointInterval must be in [1 s, 1 day]", [nameof(CheckpointInterval)]);
    }

    private static bool IsKey(string base64)
    {
        var bytes = new byte[base64.Length];
        return Convert.TryFromBase64String(base64.Trim(), bytes, out var length) && length >= AuditSeal.MinKeyBytes;
    }
}
