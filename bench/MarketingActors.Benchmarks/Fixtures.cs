using MarketingActors.Campaigns;
using MarketingActors.Core.Decisions;
using MarketingActors.Core.Profiles;
using MarketingActors.Decisions;
using MarketingActors.Events;
using MarketingActors.Measurement;

namespace MarketingActors.Benchmarks;

/// <summary>Shared, realistic inputs: the benchmark campaign of bench/http/run.sh and a warmed-up customer.</summary>
public static class Fixtures
{
    public const string ProductViewType = "product_view";

    public static readonly DateTimeOffset Start = new(2025, 6, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A decided product view as the engine audits and answers it: three candidates, one chosen, the holdout draw it carries.</summary>
    public static Decision AuditedDecision(DateTimeOffset at) => new()
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
        DecidedAt = at,
        Candidates =
        [
            new CandidateVerdict { ActionId = "ads-retarget", Outcome = CandidateOutcome.Chosen, ExpectedValue = 4.2, ChannelAffinity = 0.4, SampledVariantLift = 1.1 },
            new CandidateVerdict { ActionId = "email-10off", Outcome = CandidateOutcome.RankedLower, Reasons = ["lower_expected_value"], ExpectedValue = 2.1 },
            new CandidateVerdict { ActionId = "push-winback", Outcome = CandidateOutcome.Blocked, Reasons = ["consent_missing", "quiet_hours"] },
        ],
    };

    /// <summary>Journey enters on product_view, one action step over 3 candidate actions, re-entry allowed: every product_view yields a decision.</summary>
    public static CampaignDefinition Campaign() => new()
    {
        Id = "bench",
        Name = "Bench",
        Status = CampaignStatus.Active,
        Version = 1,
        ConversionValue = 80m,
        Actions =
        [
            new ActionOption { Id = "web-banner", Channel = "web", Variant = "banner", Cost = 0m },
            new ActionOption { Id = "ads-retarget", Channel = "ads", Variant = "retargeting", Cost = 0.001m },
            new ActionOption { Id = "app-card", Channel = "app", Variant = "card", Cost = 0m },
        ],
        Journey = new JourneyDefinition
        {
            EntryTrigger = ProductViewType,
            AllowReentry = true,
            Steps = [new JourneyStep { Id = "pick", Kind = StepKind.Action }],
        },
        Guardrails = new Guardrails
        {
            FrequencyCaps = new() { ["ads"] = new FrequencyCap { Max = 1000, Window = TimeSpan.FromDays(1) } },
        },
        Budget = new BudgetEnvelope { Total = 1_000_000m, Currency = "USD" },
        // Segmented variant learning, so the per-event cost includes the segment key and the shrunk segment posterior.
        Segments = new SegmentDefinition
        {
            Dimensions = [new SegmentDimension { Trait = "tier" }, new SegmentDimension { Feature = "recency_days", Buckets = [1, 7, 30] }],
        },
    };

    /// <summary>The campaign deciding with the contextual policy on its tier and recency.</summary>
    public static CampaignDefinition ContextualCampaign() => Campaign() with
    {
        Policy = new DecisionPolicy
        {
            Context = [new SegmentDimension { Trait = "tier" }, new SegmentDimension { Feature = "recency_days", Buckets = [1, 7, 30] }],
        },
    };

    /// <summary>
    /// Some evidence per variant, campaign-wide and in 8 segments (the warm customer's among them), so the Thompson draws
    /// are not all from the prior; with <paramref name="arms"/>, each contextual arm's too: 5,000 trials in random contexts, 3% converting.
    /// </summary>
    public static VariantEvidence Evidence(bool arms = false)
    {
        var random = new Random(19);
        var armEvidence = arms
            ? Campaign().Actions.Select(a => a.Id).Append(ArmStatistics.HoldoutArm).Select(id =>
            {
                var accumulator = new ArmAccumulator(id, DecisionContext.Dimension);
                for (var i = 0; i < 5_000; i++)
                {
                    var x = new double[DecisionContext.Dimension];
                    x[0] = 1;
                    for (var j = 1; j < x.Length; j++) x[j] = random.NextDouble() < 0.3 ? random.NextDouble() : 0;
                    accumulator.Trial(x);
                    if (random.NextDouble() < 0.03) accumulator.Conversion(x, 75);
                }
                return accumulator.Take();
            }).ToArray()
            : [];
        VariantPosterior[] variants =
        [
            new() { ActionId = "web-banner", Decisions = 5000, Deliveries = 4000, Conversions = 120, Revenue = 9000m },
            new() { ActionId = "ads-retarget", Decisions = 3000, Deliveries = 2500, Conversions = 90, Revenue = 7500m },
            new() { ActionId = "app-card", Decisions = 1000, Deliveries = 800, Conversions = 20, Revenue = 1500m },
        ];
        var segments = from tier in new[] { "gold", "silver" }
                       from recency in new[] { "<1", "1..7", "7..30", ">=30" }
                       select new SegmentEvidence
                       {
                           Segment = $"tier={tier}|recency_days={recency}",
                           Variants = [.. variants.Select(v => v with { Decisions = v.Decisions / 8, Deliveries = v.Deliveries / 8, Conversions = v.Conversions / 8 })],
                       };
        return VariantEvidence.Of(variants, segments, armEvidence);
    }

    public static MarketingEvent ProductView(string eventId, string customerId, DateTimeOffset at) => new()
    {
        EventId = eventId,
        CustomerId = customerId,
        Type = ProductViewType,
        Channel = "web",
        Timestamp = at,
    };

    /// <summary>A customer with some history on several channels (the profile a scoring call typically sees).</summary>
    public static BehaviourProfile WarmProfile()
    {
        var profile = new BehaviourProfile();
        var at = Start.AddDays(-20);
        string[] types = ["page_view", ProductViewType, "email_opened", "ad_clicked", "add_to_cart"];
        for (var i = 0; i < 200; i++)
        {
            at = at.AddMinutes(137);
            var type = types[i % types.Length];
            var e = new MarketingEvent { EventId = "w" + i, CustomerId = "c", Type = type, Channel = "web", Timestamp = at };
            profile.Apply(e, EventCatalog.KindOf(type));
        }
        profile.SetTrait("locale", "en-US");
        profile.SetTrait("tier", "gold");
        return profile;
    }
}
