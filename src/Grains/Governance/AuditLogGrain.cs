using System.Text.Json;
using MarketingActors.Core.Governance;
using MarketingActors.Storage;
using MarketingActors.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MarketingActors.Governance;

/// <summary>
/// Numbers, chains and stores audit entries in order; answers queries, verification and "why" from
/// the store. Every <see cref="GovernanceOptions.CheckpointInterval"/> it publishes a signed
/// checkpoint of the head outside the log (log output, a metric, optionally a file an operator
/// keeps) and holds the chain against the latest one when verifying.
/// </summary>
public sealed class AuditLogGrain(
    IAuditLog log,
    AuditSeal seal,
    IOptions<GovernanceOptions> options,
    EngineMetrics metrics,
    TimeProvider clock,
    ILogger<AuditLogGrain> logger) : Grain, IAuditLogGrain
{
    private AuditCheckpoint? _latest;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _latest = await ReadCheckpointFile();
        var every = options.Value.CheckpointInterval;
        this.RegisterGrainTimer(PublishIfMoved, new GrainTimerCreationOptions(every, every) { Interleave = false });
    }

    public Task<AuditEntry[]> Append(AuditEntry[] drafts) => log.Append(drafts, clock.GetUtcNow());

    public Task<AuditEntry[]> Query(AuditQuery query) => log.Query(query);

    public Task<AuditVerification> Verify(AuditCheckpoint? checkpoint) => log.Verify(checkpoint ?? _latest);

    public Task<bool> IsSigned(AuditCheckpoint checkpoint) => Task.FromResult(seal.Signed(checkpoint));

    public async Task<DecisionExplanation?> Explain(string customerRef, string decisionId, string[] compareWith)
    {
        var hits = await log.Query(new AuditQuery { Kind = AuditKinds.Decision, CustomerRef = customerRef, SubjectId = decisionId, Limit = 1 });
        return hits.Length == 0 ? null : DecisionExplanations.From(hits[0], compareWith);
    }

    public async Task<AuditCheckpoint?> PublishCheckpoint()
    {
        var (sequence, hash) = await log.Head();
        if (sequence == 0) return null;
        var checkpoint = seal.Checkpoint(sequence, hash, clock.GetUtcNow());
        // The log output is the channel operators ship elsewhere; the line is the checkpoint itself, so it can be pasted back to verify.
        logger.LogInformation("Audit checkpoint {Checkpoint}", JsonSerializer.Serialize(checkpoint, AuditJson.Options));
        metrics.AuditCheckpointed(sequence);
        if (options.Value.CheckpointFile is { } file)
            await File.AppendAllTextAsync(file, JsonSerializer.Serialize(checkpoint, AuditJson.Options) + Environment.NewLine);
        _latest = checkpoint;
        return checkpoint;
    }

    private async Task PublishIfMoved()
    {
        var (sequence, _) = await log.Head();
        if (sequence != (_latest?.Sequence ?? 0)) await PublishCheckpoint();
    }

    /// <summary>The last checkpoint an earlier activation wrote, if it is one this key signed; a forged or damaged line is reported and not trusted.</summary>
    private async Task<AuditCheckpoint?> ReadCheckpointFile()
    {
        if (options.Value.CheckpointFile is not { } file || !File.Exists(file)) return null;
        var last = (await File.ReadAllLinesAsync(file)).LastOrDefault(l => l.Length > 0);
        if (last is null) return null;
        try
        {
            var checkpoint = JsonSerializer.Deserialize<AuditCheckpoint>(last, AuditJson.Options);
            if (checkpoint is not null && seal.Signed(checkpoint)) return checkpoint;
        }
        catch (JsonException)
        {
        }
        logger.LogError("The last line of the audit checkpoint file {File} is not a checkpoint signed with this engine's audit key; not trusted", file);
        return null;
    }
}
