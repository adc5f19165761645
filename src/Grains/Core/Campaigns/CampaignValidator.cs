using System.Text.RegularExpressions;
using MarketingActors.Campaigns;
using MarketingActors.Core.Decisions;
using MarketingActors.Core.Journeys;
using MarketingActors.Core.Profiles;
using MarketingActors.Core.Rules;
using MarketingActors.Events;
using static MarketingActors.Core.Campaigns.CampaignLimits;

using MarketingActors.Core.Content;

namespace MarketingActors.Core.Campaigns;

/// <summary>
/// Checks a campaign definition as a whole before anything of it is stored; every problem is
/// reported at once. It is the compiler of what a key holder may write: nulls, out-of-range
/// numbers and durations, and journeys that could loop or run long are refused here, so nothing
/// stored can make a decision overflow, loop or stop (see <see cref="CampaignLimits"/>, <see cref="JourneyGraph"/>).
/// </summary>
public static partial class CampaignValidator
{
    public const int MaxActions = 50;
    public const int MaxSteps = 50;

    [GeneratedRegex("^[a-z]{2,3}([-_][A-Za-z]{2,4})?$")]
    private static partial Regex LocalePattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex StepIdPattern();

    public const string StepIdRule = "1-64 characters of letters, digits, '_' or '-', starting with a letter or digit";

    public static List<string> Validate(CampaignDefinition c)
    {
        var errors = new List<string>();
        if (!CampaignIds.IsValid(c.Id)) errors.Add("id: " + CampaignIds.Rule);
        if (string.IsNullOrWhiteSpace(c.Name) || c.Name.Length > MaxNameLength) errors.Add($"name: required, at most {MaxNameLength} characters");
        if (c.Objective is null || c.Objective.Length > MaxObjectiveLength) errors.Add($"objective: at most {MaxObjectiveLength} characters");
        if (c.ConversionValue < 0) errors.Add("conversionValue: must not be negative");
        else if (c.ConversionValue > MaxConversionValue) errors.Add($"conversionValue: at most {MaxConversionValue}");
        if (c.HoldoutPercent is < 0 or > 50 || double.IsNaN(c.HoldoutPercent)) errors.Add("holdoutPercent: between 0 and 50");
        errors.AddRange(RuleEvaluator.Validate(c.Audience, "audience"));
        if (c.Actions is null) errors.Add("actions: required");
        else ValidateActions(c, errors);
        if (c.Journey is null) errors.Add("journey: required");
        else ValidateJourney(c, errors);
        if (c.Budget is null) errors.Add("budget: required");
        else errors.AddRange(ValidateBudget(c.Budget));
        if (c.Guardrails is null) errors.Add("guardrails: required");
        else ValidateGuardrails(c.Guardrails, errors);
        errors.AddRange(SegmentKey.Validate(c.Segments));
        errors.AddRange(PolicyProblems(c.Policy, c.Actions));
        if (c.AllowLocaleFallback && c.Actions is not null && !HasFallbackCopy(c.Actions))
            errors.Add("allowLocaleFallback: needs a localized variant with an unlocalized copy (same channel and variant, no locale) to fall back to");
        return errors;
    }

    public static IEnumerable<string> ValidateBudget(BudgetEnvelope b)
    {
        if (b.Total < 0) yield return "budget.total: must not be negative";
        else if (b.Total > MaxBudget) yield return $"budget.total: at most {MaxBudget}";
        if (b.Daily is { } daily && (daily <= 0 || daily > b.Total)) yield return "budget.daily: must be positive and at most budget.total";
        if (!CurrencyPattern().IsMatch(b.Currency ?? "")) yield return "budget.currency: ISO 4217 code such as USD";
    }

    private static bool HasFallbackCopy(ActionOption[] actions) =>
        actions.Any(a => a is not null && string.IsNullOrEmpty(a.Locale) &&
            actions.Any(l => l is not null && !string.IsNullOrEmpty(l.Locale) && l.Channel == a.Channel && l.Variant == a.Variant));

    private static void ValidateActions(CampaignDefinition c, List<string> errors)
    {
        if (c.Actions.Length > MaxActions) errors.Add($"actions: at most {MaxActions}");
        var seen = new HashSet<string>();
        for (var i = 0; i < c.Actions.Length; i++)
        {
            var a = c.Actions[i];
            var at = $"actions[{i}]";
            if (a is null)
            {
                errors.Add($"{at}: required");
                continue;
            }
            if (!CampaignIds.IsValid(a.Id)) errors.Add($"{at}.id: " + CampaignIds.Rule);
            else if (!seen.Add(a.Id)) errors.Add($"{at}.id: duplicate '{a.Id}'");
            if (!EventCatalog.KnownChannels.Contains(a.Channel)) errors.Add($"{at}.channel: one of {string.Join(", ", EventCatalog.KnownChannels)}");
            if (string.IsNullOrWhiteSpace(a.Variant) || a.Variant.Length > MaxVariantLength) errors.Add($"{at}.variant: required, at most {MaxVariantLength} characters");
            if (a.Control && (a.Cost != 0 || a.Content is not null)) errors.Add($"{at}.control: a control option sends nothing (cost 0, no content)");
            if (a.Cost < 0) errors.Add($"{at}.cost: must not be negative");
            else if (a.Cost > MaxCost) errors.Add($"{at}.cost: at most {MaxCost}");
            if (a.Locale is not null && !LocalePattern().IsMatch(a.Locale)) errors.Add($"{at}.locale: a language tag such as fr or fr-CA");
            if (a.Placement is not null && !CampaignIds.IsValid(a.Placement)) errors.Add($"{at}.placement: " + CampaignIds.Rule);
            errors.AddRange(ActionTemplates.Validate(a, at));
        }
    }

    private static void ValidateJourney(CampaignDefinition c, List<string> errors)
    {
        var j = c.Journey;
        if (j.EntryTrigger is null || (!EventCatalog.IsKnown(j.EntryTrigger) && !TriggerNames.All.Contains(j.EntryTrigger)))
            errors.Add($"journey.entryTrigger: a canonical event type or one of {string.Join(", ", TriggerNames.All)}");
        if (j.Steps is null)
        {
            errors.Add("journey.steps: required");
            return;
        }
        if (j.Reroutes is null)
        {
            errors.Add("journey.reroutes: must be an object (trigger → step id)");
            return;
        }
        if (j.Steps.Length > MaxSteps) errors.Add($"journey.steps: at most {MaxSteps}");
        var stepIds = new HashSet<string>();
        var sound = true;
        for (var i = 0; i < j.Steps.Length; i++)
        {
            var s = j.Steps[i];
            if (s is null)
            {
                errors.Add($"journey.steps[{i}]: required");
                sound = false;
            }
            else if (s.Id is null || !StepIdPattern().IsMatch(s.Id)) { errors.Add($"journey.steps[{i}].id: " + StepIdRule); sound = false; }
            else if (!stepIds.Add(s.Id)) { errors.Add($"journey.steps: step ids must be present and unique ('{s.Id}')"); sound = false; }
        }
        var actionIds = (c.Actions ?? []).Where(a => a is not null).Select(a => a.Id).ToHashSet();
        foreach (var s in j.Steps.Where(s => s?.Id is not null))
        {
            var at = $"journey.steps[{s.Id}]";
            if (s.Next is not null && !stepIds.Contains(s.Next)) { errors.Add($"{at}.next: unknown step '{s.Next}'"); sound = false; }
            switch (s.Kind)
            {
                case StepKind.Action:
                    if (s.ActionIds is null) { errors.Add($"{at}.actionIds: must be a list"); break; }
                    foreach (var id in s.ActionIds.Where(id => !actionIds.Contains(id ?? ""))) errors.Add($"{at}.actionIds: unknown action '{id}'");
                    break;
                case StepKind.Wait:
                    if (s.Duration is null && s.UntilEvent is null) errors.Add($"{at}: a wait needs a duration or untilEvent");
                    if (s.Duration is { } d && d <= TimeSpan.Zero) errors.Add($"{at}.duration: must be positive");
                    else if (s.Duration is { } w && (w < MinWait || w > MaxWait)) errors.Add($"{at}.duration: between {MinWait} and {MaxWait.TotalDays} days");
                    if (s.UntilEvent is not null && !EventCatalog.IsKnown(s.UntilEvent)) errors.Add($"{at}.untilEvent: unknown event type '{s.UntilEvent}'");
                    break;
                case StepKind.Branch:
                    if (s.Branches is null) { errors.Add($"{at}.branches: must be a list"); sound = false; break; }
                    if (s.Branches.Length > MaxBranches) errors.Add($"{at}.branches: at most {MaxBranches}");
                    for (var b = 0; b < s.Branches.Length; b++)
                    {
                        if (s.Branches[b] is not { } branch) { errors.Add($"{at}.branches[{b}]: required"); sound = false; continue; }
                        if (branch.Goto is null || !stepIds.Contains(branch.Goto)) { errors.Add($"{at}.branches[{b}].goto: unknown step '{branch.Goto}'"); sound = false; }
                        if (branch.When is null) errors.Add($"{at}.branches[{b}].when: required");
                        else errors.AddRange(RuleEvaluator.Validate(branch.When, $"{at}.branches[{b}].when"));
                    }
                    break;
                case StepKind.Exit:
                    break;
                default:
                    errors.Add($"{at}.kind: one of action, wait, branch, exit");
                    break;
            }
        }
        foreach (var (trigger, target) in j.Reroutes)
        {
            if (!TriggerNames.All.Contains(trigger)) errors.Add($"journey.reroutes: unknown trigger '{trigger}'");
            if (target is null || !stepIds.Contains(target)) { errors.Add($"journey.reroutes[{trigger}]: unknown step '{target}'"); sound = false; }
        }
        // The graph is only meaningful once every step and target is known.
        if (sound) errors.AddRange(JourneyGraph.Validate(j));
    }

    private static void ValidateGuardrails(Guardrails g, List<string> errors)
    {
        if (g.FrequencyCaps is null) errors.Add("guardrails.frequencyCaps: must be an object (channel → cap)");
        else foreach (var (channel, cap) in g.FrequencyCaps)
        {
            if (!EventCatalog.KnownChannels.Contains(channel)) errors.Add($"guardrails.frequencyCaps: unknown channel '{channel}'");
            if (cap is null)
            {
                errors.Add($"guardrails.frequencyCaps[{channel}]: required");
                continue;
            }
            if (cap.Max < 1 || cap.Max > ContactHistory.Capacity) errors.Add($"guardrails.frequencyCaps[{channel}].max: 1 to {ContactHistory.Capacity}");
            if (cap.Window <= TimeSpan.Zero) errors.Add($"guardrails.frequencyCaps[{channel}].window: must be positive");
            else if (cap.Window > MaxCapWindow) errors.Add($"guardrails.frequencyCaps[{channel}].window: at most {MaxCapWindow.TotalDays} days");
        }
        if (g.MinLikelihood is < 0 or > 1 || double.IsNaN(g.MinLikelihood)) errors.Add("guardrails.minLikelihood: between 0 and 1");
        if (g.QuietHours is { } q)
        {
            if (q.Channels is null) errors.Add("guardrails.quietHours.channels: must be a list");
            else foreach (var ch in q.Channels.Where(ch => !EventCatalog.KnownChannels.Contains(ch))) errors.Add($"guardrails.quietHours.channels: unknown channel '{ch}'");
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

    /// <summary>Every problem with a campaign's decision policy ("policy…: reason").</summary>
    private static IEnumerable<string> PolicyProblems(DecisionPolicy? policy, ActionOption[]? actions)
    {
        if (policy is null) yield break;
        if (policy.Kind is not (DecisionPolicy.SegmentThompson or DecisionPolicy.Contextual))
            yield return $"policy.kind: {DecisionPolicy.SegmentThompson} or {DecisionPolicy.Contextual}";
        if (!double.IsFinite(policy.ExplorationFloor) || policy.ExplorationFloor is < 0.01 or > 0.5)
            yield return "policy.explorationFloor: 0.01 to 0.5 (a zero floor would leave actions no off-policy estimate can reach)";
        if (!double.IsFinite(policy.SafetyMargin) || policy.SafetyMargin is < 0 or > 5) yield return "policy.safetyMargin: 0 to 5 standard deviations";
        if (policy.PriorTest is { } test)
        {
            if (policy.Kind != DecisionPolicy.Contextual) yield return $"policy.priorTest: only the {DecisionPolicy.Contextual} policy counts a prior test";
            foreach (var problem in PriorTestProblems(test, actions)) yield return problem;
        }
        if (policy.Context is null) { yield return "policy.context: a list of dimensions"; yield break; }
        if (policy.Context.Length > MaxPolicyContext) yield return $"policy.context: at most {MaxPolicyContext} dimensions";
        foreach (var problem in SegmentKey.ValidateDimensions(policy.Context, "policy.context")) yield return problem;
    }

    /// <summary>A prior test's results must be counts a test could have produced, of this campaign's actions.</summary>
    private static IEnumerable<string> PriorTestProblems(PriorTest test, ActionOption[]? actions)
    {
        if (string.IsNullOrWhiteSpace(test.Source) || test.Source.Length > MaxNameLength) yield return $"policy.priorTest.source: required (what the test was), at most {MaxNameLength} characters";
        if (!double.IsFinite(test.Weight) || test.Weight is <= 0 or > 1) yield return "policy.priorTest.weight: above 0, at most 1";
        if (test.Arms is not { Length: > 0 }) { yield return "policy.priorTest.arms: at least one action's result"; yield break; }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < test.Arms.Length; i++)
        {
            var arm = test.Arms[i];
            var at = $"policy.priorTest.arms[{i}]";
            if (arm is null) { yield return $"{at}: required"; continue; }
            if (actions is null || !actions.Any(a => a?.Id == arm.ActionId)) yield return $"{at}.actionId: unknown action '{arm.ActionId}'";
            else if (!seen.Add(arm.ActionId)) yield return $"{at}.actionId: duplicate '{arm.ActionId}'";
            if (arm.Trials is < 0 or > MaxPriorTrials) yield return $"{at}.trials: 0 to {MaxPriorTrials}";
            if (arm.Conversions < 0 || arm.Conversions > arm.Trials) yield return $"{at}.conversions: 0 to trials";
            if (arm.Engagements is { } engaged && (engaged < arm.Conversions || engaged > arm.Trials)) yield return $"{at}.engagements: conversions to trials (every conversion is an engagement)";
            if (arm.Revenue < 0 || arm.Revenue > MaxConversionValue * Math.Max(arm.Conversions, 1)) yield return $"{at}.revenue: 0 to {MaxConversionValue} per conversion";
        }
    }

    public const int MaxPolicyContext = 12;
    /// <summary>More trials than any test runs: a typo, not a result.</summary>
    public const long MaxPriorTrials = 1_000_000_000;
}
