using BenchmarkDotNet.Attributes;
using MarketingActors.Core.Governance;
using MarketingActors.Decisions;
using MarketingActors.Governance;

namespace MarketingActors.Benchmarks;

/// <summary>
/// What auditing one decision costs on the silo that keeps the log: the draft (the decision as a
/// binary record, customer id replaced by its reference) and the hash-chain append (the entry's
/// HMAC-SHA256 under the chain's key). The in-memory chain holds 200 000 entries, so appends also
/// trim. Messaging to the log grain is batched (one call per batch) and not part of this number.
/// The entry's hash alone is timed keyed and unkeyed (the legacy scheme): what the key adds to
/// hashing the same columns.
/// </summary>
[Config(typeof(ShortRunConfig)), MemoryDiagnoser]
public class DecisionAuditWork
{
    private readonly AuditSeal _seal = AuditSeal.Ephemeral();
    private readonly AuditChain _chain;
    private readonly DateTimeOffset _at = DateTimeOffset.UnixEpoch;
    private Decision _decision = null!;
    private AuditEntry _entry = null!;

    public DecisionAuditWork() => _chain = new(200_000, _seal);

    [GlobalSetup]
    public void Setup()
    {
        _decision = Fixtures.AuditedDecision(_at);
        for (var i = 0; i < 200_000; i++) _entry = _chain.Append(AuditDrafts.Decision(_decision, "ref", DecisionPayloadFormat.Record), _at);
    }

    [Benchmark]
    public AuditEntry DraftAndAppend() => _chain.Append(AuditDrafts.Decision(_decision, "0123456789abcdef0123456789abcdef", DecisionPayloadFormat.Record), _at);

    [Benchmark]
    public string EntryHmac() => _seal.Hash(_entry);

    [Benchmark]
    public string EntrySha256() => AuditChain.HashOf(_entry);

    [Benchmark]
    public bool VerifyWholeChain() => _chain.Verify(null).Intact;
}
