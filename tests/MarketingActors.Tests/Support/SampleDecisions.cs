using MarketingActors.Decisions;
using MarketingActors.Measurement;

namespace MarketingActors.Tests.Support;

/// <summary>Decisions with every field the answer and the audit payload carry, for specs of their JSON.</summary>
public static class SampleDecisions
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 10, 12, 0, 0, TimeSpan.FromHours(1));

    /// <summary>A treated decision with an action, or a held-out one with what would have been sent.</summary>
    public static Decision With(string text, double score, decimal cost, bool heldOut)
    {
        var action = new ChosenAction { ActionId = "ads-" + text, Channel = "ads", Variant = text, Locale = heldOut ? null : "fr-FR", Cost = cost, Currency = "EUR" };
        return new Decision
        {
            DecisionId = "d-" + text,
            CustomerId = "ref-0123",
            CampaignId = "spring",
            JourneyStepId = heldOut ? null : "first-touch",
            Placement = heldOut ? "home_hero" : null,
            Action = heldOut ? null : action,
            WouldHaveSent = heldOut ? action : null,
            Holdout = new HoldoutAssignment { Group = heldOut ? MeasurementGroup.GlobalControl : MeasurementGroup.Treated, Bucket = score, GlobalBucket = 1 - score, SaltId = "s1" },
            Scores = new DecisionScores { ConversionLikelihood = score, EngagementVelocity = -score, ExpectedValue = score * 3 },
            ModelVersion = "prior-logistic-v1",
            Candidates =
            [
                new CandidateVerdict { ActionId = action.ActionId, Outcome = CandidateOutcome.Chosen, ExpectedValue = score, ChannelAffinity = 0.4, SampledVariantLift = 1.1 },
                new CandidateVerdict { ActionId = "email", Outcome = CandidateOutcome.RankedLower, Reasons = ["lower_expected_value"] },
                new CandidateVerdict { ActionId = "push", Outcome = CandidateOutcome.Blocked, Reasons = ["consent_missing", text] },
            ],
            Reason = heldOut ? "holdout" : "highest_expected_value",
            Trigger = heldOut ? null : "likely_to_convert",
            DecidedAt = T0,
            ReservationExpiresAt = heldOut ? null : T0.AddHours(1),
        };
    }

    /// <summary>Every property of the decision and of what it holds set to a value that is not its default.</summary>
    public static Decision Complete(string text, double score, decimal cost) => With(text, score, cost, heldOut: false) with
    {
        Scores = new DecisionScores { ConversionLikelihood = score, EngagementVelocity = -score, ExpectedValue = score * 3, Propensity = 0.25, PredictedUplift = -score / 7 },
        Placement = "home_hero",
        WouldHaveSent = new ChosenAction { ActionId = "email-" + text, Channel = "email", Variant = "b", Locale = "de", Cost = 0.1m, Currency = "USD" },
        DeliveredBy = DeliveredBy.Engine,
        DeliverAfter = T0.AddHours(8),
        Holdout = new HoldoutAssignment { Group = MeasurementGroup.CampaignHoldout, Bucket = score, GlobalBucket = 1 - score, SaltId = "s1" },
    };
}
