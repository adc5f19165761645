using MarketingActors.Learning;
namespace MarketingActors.Core.Learning;

/// <summary>The promotion rule: a challenger replaces the champion only if it ranks the same holdout better by a margin.</summary>
public static class ChampionChallenger
{
    public static bool ShouldPromote(ModelMetrics challenger, ModelMetrics champion, double margin) =>
        double.IsFinite(challenger.Auc) && (!double.IsFinite(champion.Auc) || challenger.Auc >= champion.Auc + margin);

    /// <summary>
    /// The automatic rollback rule: once the champion has enough labelled live outcomes, roll back
    /// when its live AUC falls below its predecessor's reference (the predecessor's live AUC, or its
    /// holdout AUC when it never had enough live outcomes) by more than the margin.
    /// </summary>
    public static bool ShouldRollBack(LiveModelQuality champion, double? predecessorReference, int minRows, int minPositives, double margin) =>
        champion.LiveAuc is { } live && predecessorReference is { } reference &&
        champion.LabelledRows >= minRows && champion.Positives >= minPositives &&
        champion.LabelledRows - champion.Positives >= minPositives &&
        live < reference - margin;
}
