using System.Text.Json;
using MarketingActors.Campaigns;
using MarketingActors.Governance;

namespace MarketingActors.Core.Governance;

/// <summary>
/// Names the operation a campaign change really is, so an agent allowed to "change audience"
/// cannot also slip a budget or an edited variant into the same update.
/// </summary>
public static class ChangeClassifier
{
    public static string Classify(CampaignChange change, CampaignDefinition? before) => change.Kind switch
    {
        ChangeKinds.Create => Operations.CreateCampaign,
        ChangeKinds.SetBudget => Operations.ShiftBudget,
        ChangeKinds.Pause => Operations.Pause,
        ChangeKinds.Activate => Operations.Activate,
        ChangeKinds.Complete => Operations.Complete,
        ChangeKinds.ApproveVariant => Operations.Review,
        ChangeKinds.Update when before is not null && change.Definition is { } after => ClassifyUpdate(before, after),
        _ => Operations.UpdateCampaign,
    };

    private static string ClassifyUpdate(CampaignDefinition before, CampaignDefinition after)
    {
        var sameOtherwise = Same(Comparable(before) with { Audience = null, Actions = [] }, Comparable(after) with { Audience = null, Actions = [] });
        if (!sameOtherwise) return Operations.UpdateCampaign;
        var audienceChanged = !Same(before.Audience, after.Audience);
        var existingKept = before.Actions.All(b => after.Actions.Any(a => a.Id == b.Id && SameContent(a, b)));
        var added = after.Actions.Length > before.Actions.Length;
        if (!existingKept) return Operations.UpdateCampaign;
        if (audienceChanged && !added) return Operations.ChangeAudience;
        return added && !audienceChanged ? Operations.CreateVariant : Operations.UpdateCampaign;
    }

    /// <summary>What a customer would see of a variant; approval bookkeeping is not content.</summary>
    public static bool SameContent(ActionOption a, ActionOption b) =>
        a.Id == b.Id && a.Channel == b.Channel && a.Variant == b.Variant && a.Locale == b.Locale &&
        a.Cost == b.Cost && a.Placement == b.Placement && a.Sensitivity == b.Sensitivity;

    private static CampaignDefinition Comparable(CampaignDefinition d) =>
        d with { Status = CampaignStatus.Draft, Version = 0, UpdatedAt = default, Id = "" };

    private static bool Same<T>(T a, T b) => JsonSerializer.Serialize(a, AuditJson.Options) == JsonSerializer.Serialize(b, AuditJson.Options);
}
