using System.Collections.Concurrent;
using MarketingActors.Campaigns;
using MarketingActors.Core.Profiles;
using MarketingActors.Core.Rules;

namespace MarketingActors.Core.Journeys;

/// <summary>What just happened to the customer: the event (if any), whether it was a conversion, the triggers it fired.</summary>
public readonly record struct JourneySignal(string? EventType, bool IsConversion, IReadOnlyCollection<string> Triggers, DateTimeOffset Now);

/// <summary>
/// Moves a customer through a campaign's journey. Pure: it mutates only the progress it is given
/// and returns the action step at which the engine must now choose, or null when the journey
/// is waiting, finished, or was never entered.
/// </summary>
public static class JourneyRunner
{
    /// <summary>Guards against branch cycles: more transitions than this in one signal ends the journey.</summary>
    public const int MaxTransitions = 32;

    public static JourneyStep? Advance(CampaignDefinition campaign, ref JourneyProgress? progress, JourneySignal signal, ScoredCustomer customer)
    {
        var journey = campaign.Journey;
        if (progress is null || (!progress.IsActive && journey.AllowReentry))
        {
            if (!Enters(campaign, signal, customer) || journey.Steps.Length == 0) return null;
            progress ??= new JourneyProgress { CampaignId = campaign.Id };
            progress.Restart(signal.Now);
            progress.MoveTo(journey.Steps[0].Id, signal.Now, via: EntryLabel(journey.EntryTrigger));
            return Run(campaign, progress, signal, customer, consumedEvent: true);
        }
        if (!progress.IsActive) return null;

        if (signal.IsConversion && journey.ExitOnConversion)
        {
            progress.Finish(JourneyStatus.Exited, "converted");
            return null;
        }
        foreach (var trigger in signal.Triggers)
        {
            if (journey.Reroutes.TryGetValue(trigger, out var target))
            {
                progress.MoveTo(target, signal.Now, via: "reroute:" + trigger);
                return Run(campaign, progress, signal, customer, consumedEvent: true);
            }
        }
        return Run(campaign, progress, signal, customer, consumedEvent: false);
    }

    /// <summary>After the decision at an action step: move on when an action was taken, stay to retry when every candidate was blocked.</summary>
    public static JourneyStep? AfterDecision(CampaignDefinition campaign, JourneyProgress progress, JourneyStep step, bool acted, JourneySignal signal, ScoredCustomer customer)
    {
        if (!acted) return null;
        progress.MoveTo(NextOf(campaign.Journey, step), signal.Now);
        return Run(campaign, progress, signal, customer, consumedEvent: true);
    }

    /// <summary>The earliest instant at which a waiting journey wants to be woken without an event.</summary>
    public static DateTimeOffset? WakeAt(JourneyProgress progress) => progress.IsActive ? progress.WaitUntil : null;

    private static JourneyStep? Run(CampaignDefinition campaign, JourneyProgress progress, JourneySignal signal, ScoredCustomer customer, bool consumedEvent)
    {
        var journey = campaign.Journey;
        for (var transitions = 0; transitions < MaxTransitions; transitions++)
        {
            var step = StepOf(journey, progress.StepId);
            if (step is null)
            {
                progress.Finish(JourneyStatus.Completed, "end_of_journey");
                return null;
            }
            switch (step.Kind)
            {
                case StepKind.Action:
                    return step;
                case StepKind.Wait:
                    if (!progress.WaitStarted)
                    {
                        progress.WaitStarted = true;
                        progress.WaitUntil = step.Duration is { } d ? Later(signal.Now, d) : null;
                        consumedEvent = true;
                    }
                    var eventEnds = !consumedEvent && step.UntilEvent is not null && step.UntilEvent == signal.EventType;
                    var timeEnds = progress.WaitUntil is { } until && signal.Now >= until;
                    if (!eventEnds && !timeEnds) return null;
                    progress.MoveTo(NextOf(journey, step), signal.Now, via: eventEnds ? "event:" + signal.EventType : null);
                    break;
                case StepKind.Branch:
                    var branch = FirstTaken(step.Branches, customer);
                    progress.MoveTo(branch?.Goto ?? NextOf(journey, step), signal.Now);
                    break;
                case StepKind.Exit:
                    progress.Finish(JourneyStatus.Completed, "exit_step");
                    return null;
            }
        }
        progress.Finish(JourneyStatus.Exited, "transition_limit");
        return null;
    }

    /// <summary>
    /// The end of a wait, saturating instead of overflowing: the validator bounds waits, but a
    /// definition stored before those bounds must not fail every event that reaches it.
    /// </summary>
    public static DateTimeOffset Later(DateTimeOffset at, TimeSpan wait) =>
        wait >= DateTimeOffset.MaxValue - at ? DateTimeOffset.MaxValue : at + wait;

    private static bool Enters(CampaignDefinition campaign, JourneySignal signal, ScoredCustomer customer) =>
        campaign.Status == CampaignStatus.Active &&
        Matches(campaign.Journey.EntryTrigger, signal) is not null &&
        RuleEvaluator.Matches(campaign.Audience, customer);

    // "enter:" + the entry trigger, made once per trigger rather than on every entry (bounded: the
    // triggers are the campaigns', but a catalogue could hold many).
    private static readonly ConcurrentDictionary<string, string> EntryLabels = new(StringComparer.Ordinal);

    private static string EntryLabel(string entryTrigger) =>
        EntryLabels.TryGetValue(entryTrigger, out var label) ? label
        : EntryLabels.Count < 1024 ? EntryLabels.GetOrAdd(entryTrigger, t => "enter:" + t)
        : "enter:" + entryTrigger;

    private static string? Matches(string entry, JourneySignal signal) =>
        entry == signal.EventType || signal.Triggers.Contains(entry) ? entry : null;

    // Loops, not Array.Find with a lambda: this runs on every event, and the lambdas' captures cost
    // two allocations a call (a closure over the parameters at every entry, a delegate at every search).
    private static JourneyStep? StepOf(JourneyDefinition journey, string? id)
    {
        foreach (var step in journey.Steps) if (step.Id == id) return step;
        return null;
    }

    private static JourneyBranch? FirstTaken(JourneyBranch[] branches, ScoredCustomer customer)
    {
        foreach (var branch in branches) if (RuleEvaluator.Matches(branch.When, customer)) return branch;
        return null;
    }

    private static string? NextOf(JourneyDefinition journey, JourneyStep step)
    {
        if (step.Next is not null) return step.Next;
        var index = Array.IndexOf(journey.Steps, step);
        return index + 1 < journey.Steps.Length ? journey.Steps[index + 1].Id : null;
    }
}
