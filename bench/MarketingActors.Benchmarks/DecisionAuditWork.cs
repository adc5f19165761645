using BenchmarkDotNet.Attributes;
using MarketingActors.Core.Governance;
using MarketingActors.Decisions;
using MarketingActors.Governance;
using MarketingActors.Measurement;

namespace MarketingActors.Benchmarks;

/// <summary>
/// What auditing one decision costs on the silo that keeps the log: the draft (the decision as
/// JSON, customer id replaced by its reference) and the hash-chain append (SHA-256 over the row).
/// The in-memory chain holds 200 000 entries, so appends also trim. Messaging to the log grain is
/// batched (one call per batch) and not part of this number.
/// </summary>
[Config(typeof(ShortRunConfig)), MemoryDiagnoser]
public class DecisionAuditWork
{
    private readonly AuditChain _chain = new(200_000, AuditSeal.Ephemeral());
    private readonly DateTimeOffset _at = DateTimeOffset.UnixEpoch;
    private Decision _decision = null!;

    [GlobalSetup]
    public void Setup()
    {
        _decision = new Decision
        {
            DecisionId = Guid.NewGuid().ToString("N"),
            CustomerId = "customer-000042",
            CampaignId = "spring-sale",
            JourneyStepId = "first-touch",
            Action = new ChosenAction { ActionId = "ads-retarget", Channel = "ads", Variant = "retargeting banner", Cost = 0.05m, Currency = "USD" },
            Scores = new DecisionScores { ConversionLikelihood = 0.123456, EngagementVelocity = -0.5, ExpectedValue = 4.2 },
            // Every decision carries its holdout draw; the buckets are a hash's full-precision uniforms, not rounded like the scores.
            Holdout = new HoldoutAssignment { Group = MeasurementGroup.Treated, Bucket = 0.7123498723498723, GlobalBucket = 0.3329871234098712, SaltId = "salt-2026-12" },
            ModelVersion = "prior-logistic-v1",
            Reason = "highest_expected_value",
            DecidedAt = _at,
            Candidates =
            [
                new CandidateVerdict { ActionId = "ads-retarget", Outcome = CandidateOutcome.Chosen, ExpectedValue = 4.2, ChannelAffinity = 0.4, SampledVariantLift = 1.1 },
                new CandidateVerdict { ActionId = "email-10off", Outcome = CandidateOutcome.RankedLower, Reasons = ["lower_expected_value"], ExpectedValue = 2.1 },
                new CandidateVerdict { ActionId = "push-winback", Outcome = CandidateOutcome.Blocked, Reasons = ["consent_missing", "quiet_hours"] },
            ],
        };
        for (var i = 0; i < 200_000; i++) _chain.Append(AuditDrafts.Decision(_decision, "ref", DecisionPayloadFormat.Record), _at);
    }

    [Benchmark]
    public AuditEntry DraftAndAppend() => _chain.Append(AuditDrafts.Decision(_decision, "0123456789abcdef0123456789abcdef", DecisionPayloadFormat.Record), _at);

    [Benchmark]
    public bool VerifyWholeChain() => _chain.Verify(null).Intact;
}
