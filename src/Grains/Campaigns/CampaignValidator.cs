using System.Text.RegularExpressions;
using MarketingActors.Customers;
using MarketingActors.Events;
using MarketingActors.Rules;

namespace MarketingActors.Campaigns;

/// <summary>Checks a campaign definition as a whole before anything of it is stored; every problem is reported at once.</summary>
public static partial class CampaignValidator
{
    public const int MaxActions = 50;
    public const int MaxSteps = 50;

    [GeneratedRegex("^[a-z]{2,3}([-_][A-Za-z]{2,4})?$")]
    private static partial Regex LocalePattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();

    public static List<string> Validate(CampaignDefinition c)
    {
        var errors = new List<string>();
        if (!CampaignIds.IsValid(c.Id)) errors.Add("id: " + CampaignIds.Rule);
        if (string.IsNullOrWhiteSpace(c.Name) || c.Name.Length > 200) errors.Add("name: required, at most 200 characters");
        if (c.ConversionValue < 0) errors.Add("conversionValue: must not be negative");
        if (c.HoldoutPercent is < 0 or > 50 || double.IsNaN(c.HoldoutPercent)) errors.Add("holdoutPercent: between 0 and 50");
        if (c.AllowLocaleFallback && !HasFallbackCopy(c.Actions))
            errors.Add("allowLocaleFallback: needs a localized variant with an unlocalized copy (same channel and variant, no locale) to fall back to");
        errors.AddRange(RuleEvaluator.Validate(c.Audience, "audience"));
        ValidateActions(c, errors);
        ValidateJourney(c, errors);
        errors.AddRange(ValidateBudget(c.Budget));
        ValidateGuardrails(c.Guardrails, errors);
        errors.AddRange(Decisions.SegmentKey.Validate(c.Segments));
        return errors;
    }

    public static IEnumerable<string> ValidateBudget(BudgetEnvelope b)
    {
        if (b.Total < 0) yield return "budget.total: must not be negative";
        if (b.Daily is { } daily && (daily <= 0 || daily > b.Total)) yield return "budget.daily: must be positive and at most budget.total";
        if (!CurrencyPattern().IsMatch(b.Currency ?? "")) yield return "budget.currency: ISO 4217 code such as USD";
    }

    private static bool HasFallbackCopy(ActionOption[] actions) =>
        actions.Any(a => string.IsNullOrEmpty(a.Locale) &&
            actions.Any(l => !string.IsNullOrEmpty(l.Locale) && l.Channel == a.Channel && l.Variant == a.Variant));

    private static void ValidateActions(CampaignDefinition c, List<string> errors)
    {
        if (c.Actions.Length > MaxActions) errors.Add($"actions: at most {MaxActions}");
        var seen = new HashSet<string>();
        for (var i = 0; i < c.Actions.Length; i++)
        {
            var a = c.Actions[i];
            var at = $"actions[{i}]";
            if (!CampaignIds.IsValid(a.Id)) errors.Add($"{at}.id: " + CampaignIds.Rule);
            else if (!seen.Add(a.Id)) errors.Add($"{at}.id: duplicate '{a.Id}'");
            if (!EventCatalog.KnownChannels.Contains(a.Channel)) errors.Add($"{at}.channel: one of {string.Join(", ", EventCatalog.KnownChannels)}");
            if (string.IsNullOrWhiteSpace(a.Variant)) errors.Add($"{at}.variant: required");
            if (a.Cost < 0) errors.Add($"{at}.cost: must not be negative");
            if (a.Locale is not null && !LocalePattern().IsMatch(a.Locale)) errors.Add($"{at}.locale: a language tag such as fr or fr-CA");
        }
    }

    private static void ValidateJourney(CampaignDefinition c, List<string> errors)
    {
        var j = c.Journey;
        if (!EventCatalog.IsKnown(j.EntryTrigger) && !TriggerNames.All.Contains(j.EntryTrigger))
            errors.Add($"journey.entryTrigger: a canonical event type or one of {string.Join(", ", TriggerNames.All)}");
        if (j.Steps.Length > MaxSteps) errors.Add($"journey.steps: at most {MaxSteps}");
        var stepIds = new HashSet<string>();
        foreach (var s in j.Steps)
        {
            if (string.IsNullOrWhiteSpace(s.Id) || !stepIds.Add(s.Id)) errors.Add($"journey.steps: step ids must be present and unique ('{s.Id}')");
        }
        var actionIds = c.Actions.Select(a => a.Id).ToHashSet();
        foreach (var s in j.Steps)
        {
            var at = $"journey.steps[{s.Id}]";
            if (s.Next is not null && !stepIds.Contains(s.Next)) errors.Add($"{at}.next: unknown step '{s.Next}'");
            switch (s.Kind)
            {
                case StepKind.Action:
                    foreach (var id in s.ActionIds.Where(id => !actionIds.Contains(id))) errors.Add($"{at}.actionIds: unknown action '{id}'");
                    break;
                case StepKind.Wait:
                    if (s.Duration is null && s.UntilEvent is null) errors.Add($"{at}: a wait needs a duration or untilEvent");
                    if (s.Duration is { } d && d <= TimeSpan.Zero) errors.Add($"{at}.duration: must be positive");
                    if (s.UntilEvent is not null && !EventCatalog.IsKnown(s.UntilEvent)) errors.Add($"{at}.untilEvent: unknown event type '{s.UntilEvent}'");
                    break;
                case StepKind.Branch:
                    for (var b = 0; b < s.Branches.Length; b++)
                    {
                        if (!stepIds.Contains(s.Branches[b].Goto)) errors.Add($"{at}.branches[{b}].goto: unknown step '{s.Branches[b].Goto}'");
                        errors.AddRange(RuleEvaluator.Validate(s.Branches[b].When, $"{at}.branches[{b}].when"));
                    }
                    break;
            }
        }
        foreach (var (trigger, target) in j.Reroutes)
        {
            if (!TriggerNames.All.Contains(trigger)) errors.Add($"journey.reroutes: unknown trigger '{trigger}'");
            if (!stepIds.Contains(target)) errors.Add($"journey.reroutes[{trigger}]: unknown step '{target}'");
        }
    }

    private static void ValidateGuardrails(Guardrails g, List<string> errors)
    {
        foreach (var (channel, cap) in g.FrequencyCaps)
        {
            if (!EventCatalog.KnownChannels.Contains(channel)) errors.Add($"guardrails.frequencyCaps: unknown channel '{channel}'");
            if (cap.Max < 1 || cap.Max > ContactHistory.Capacity) errors.Add($"guardrails.frequencyCaps[{channel}].max: 1 to {ContactHistory.Capacity}");
            if (cap.Window <= TimeSpan.Zero) errors.Add($"guardrails.frequencyCaps[{channel}].window: must be positive");
        }
        if (g.MinLikelihood is < 0 or > 1 || double.IsNaN(g.MinLikelihood)) errors.Add("guardrails.minLikelihood: between 0 and 1");
        if (g.QuietHours is { } q)
        {
            foreach (var ch in q.Channels.Where(ch => !EventCatalog.KnownChannels.Contains(ch))) errors.Add($"guardrails.quietHours.channels: unknown channel '{ch}'");
        }
    }

    /// <summary>Status changes a campaign owner may make.</summary>
    public static bool CanTransition(CampaignStatus from, CampaignStatus to) => (from, to) switch
    {
        (CampaignStatus.Draft, CampaignStatus.Active) => true,
        (CampaignStatus.Active, CampaignStatus.Paused) => true,
        (CampaignStatus.Paused, CampaignStatus.Active) => true,
        (CampaignStatus.Completed, _) => false,
        (_, CampaignStatus.Completed) => true,
        _ => false,
    };
}
