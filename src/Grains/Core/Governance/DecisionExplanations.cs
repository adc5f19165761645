using System.Globalization;
using MarketingActors.Decisions;
using MarketingActors.Governance;
using MarketingActors.Measurement;

namespace MarketingActors.Core.Governance;

/// <summary>Answers "why Y and not Z" from a logged decision's verdicts, not from a re-run that could differ.</summary>
public static class DecisionExplanations
{
    public static DecisionExplanation From(AuditEntry entry, string[] compareWith)
    {
        var d = entry.Payload.ToDecision();
        var chosen = d.Action?.ActionId;
        var candidates = d.Candidates ?? [];
        var others = compareWith.Length > 0 ? compareWith : [.. candidates.Where(c => c.ActionId != chosen).Select(c => c.ActionId)];
        var chosenValue = candidates.FirstOrDefault(c => c.ActionId == chosen)?.ExpectedValue;
        return new DecisionExplanation
        {
            DecisionId = d.DecisionId,
            CampaignId = d.CampaignId,
            ChosenActionId = chosen,
            Reason = d.Reason,
            Candidates = candidates,
            ModelVersion = d.ModelVersion,
            Scores = d.Scores,
            AuditSequence = entry.Sequence,
            Holdout = d.Holdout,
            Answers = [.. HoldoutAnswer(d), .. others.Select(id => Answer(id, candidates.FirstOrDefault(c => c.ActionId == id), chosen, chosenValue))],
        };
    }

    /// <summary>A held-out customer got nothing because of the draw, not because of the ranking: said first, with the numbers to recompute it.</summary>
    private static string[] HoldoutAnswer(Decision d) => d.Holdout is { IsHeldOut: true } h
        ? [$"holdout: drawn into {Group(h.Group)} (campaign bucket {Format(h.Bucket)}, global bucket {Format(h.GlobalBucket)}, salt {h.SaltId}); would have sent {d.WouldHaveSent?.ActionId ?? "nothing"}"]
        : [];

    private static string Group(MeasurementGroup group) => group == MeasurementGroup.GlobalControl ? "the global control" : "the campaign holdout";

    private static string Answer(string id, CandidateVerdict? verdict, string? chosen, double? chosenValue) => verdict switch
    {
        null => $"{id}: not a candidate in this decision (not in the journey step or placement)",
        { Outcome: CandidateOutcome.Chosen } => $"{id}: chosen",
        { Outcome: CandidateOutcome.Blocked } => $"{id}: blocked by {string.Join(", ", verdict.Reasons)}",
        _ => $"{id}: eligible but ranked lower than {chosen} (expected value {Format(verdict.ExpectedValue)} vs {Format(chosenValue ?? 0)})",
    };

    private static string Format(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
