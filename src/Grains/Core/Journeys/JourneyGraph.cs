using MarketingActors.Campaigns;

namespace MarketingActors.Core.Journeys;

/// <summary>
/// Checks a journey as a graph before it is stored, the way a compiler checks control flow: every
/// step reachable from the first step or a reroute, no loop that can be walked without a wait
/// (the engine would decide without end on one event), and no wait-free path longer than one event
/// may take. Only a wait ends what one signal does: it never completes on the signal that reached it.
/// </summary>
public static class JourneyGraph
{
    /// <summary>Most actions one signal may decide in one journey; the customer grain's fuse enforces the same at run time.</summary>
    public const int MaxActionsPerSignal = 8;

    /// <summary>Most steps one signal may walk; the same bound as <see cref="JourneyRunner.MaxTransitions"/>.</summary>
    public const int MaxStepsPerSignal = JourneyRunner.MaxTransitions;

    /// <summary>Problems of the journey's shape, each naming a step; empty when it is sound. Assumes step ids and targets were checked.</summary>
    public static List<string> Validate(JourneyDefinition journey)
    {
        var errors = new List<string>();
        var steps = new Dictionary<string, JourneyStep>(StringComparer.Ordinal);
        foreach (var step in journey.Steps) steps.TryAdd(step.Id, step);
        if (steps.Count == 0) return errors;
        var edges = steps.Values.ToDictionary(s => s.Id, s => Successors(journey, s, steps).ToArray(), StringComparer.Ordinal);

        var entries = new List<string> { journey.Steps[0].Id };
        entries.AddRange(journey.Reroutes.Values.Where(steps.ContainsKey));
        var reached = Reach(entries, edges);
        foreach (var step in journey.Steps.Where(s => !reached.Contains(s.Id)).DistinctBy(s => s.Id))
            errors.Add($"journey.steps[{step.Id}]: unreachable from the first step or any reroute");

        // Within one signal the walk follows every edge but the ones into a wait: those end the signal's walk.
        var walk = steps.Values.ToDictionary(s => s.Id, s => edges[s.Id].Where(t => steps[t].Kind != StepKind.Wait).ToArray(), StringComparer.Ordinal);
        if (FindCycle(walk) is { } cycle)
        {
            errors.Add($"journey.steps[{cycle[0]}]: the loop {string.Join(" → ", cycle)} has no wait step, so one event would walk it without end; put a wait in it");
            return errors;
        }
        var longest = new Dictionary<string, (int Steps, int Actions)>(StringComparer.Ordinal);
        foreach (var id in steps.Keys)
        {
            var (length, actions) = Longest(id, walk, steps, longest);
            if (length > MaxStepsPerSignal)
            {
                errors.Add($"journey.steps[{id}]: {length} steps follow one another without a wait; at most {MaxStepsPerSignal}");
                break;
            }
            if (actions > MaxActionsPerSignal)
            {
                errors.Add($"journey.steps[{id}]: {actions} action steps follow one another without a wait, so one event could decide {actions} times; at most {MaxActionsPerSignal}");
                break;
            }
        }
        return errors;
    }

    /// <summary>Where a step can lead: its next step (explicit or the following one; none past the end) and, for a branch, every goto.</summary>
    private static IEnumerable<string> Successors(JourneyDefinition journey, JourneyStep step, Dictionary<string, JourneyStep> steps)
    {
        if (step.Kind == StepKind.Exit) yield break;
        if (step.Kind == StepKind.Branch)
        {
            foreach (var branch in step.Branches)
            {
                if (branch is not null && steps.ContainsKey(branch.Goto)) yield return branch.Goto;
            }
        }
        var next = step.Next;
        if (next is null)
        {
            var index = Array.IndexOf(journey.Steps, step);
            if (index + 1 < journey.Steps.Length) next = journey.Steps[index + 1].Id;
        }
        if (next is not null && steps.ContainsKey(next)) yield return next;
    }

    private static HashSet<string> Reach(IEnumerable<string> from, Dictionary<string, string[]> edges)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>(from);
        while (queue.TryDequeue(out var id))
        {
            if (!reached.Add(id)) continue;
            foreach (var next in edges[id]) queue.Enqueue(next);
        }
        return reached;
    }

    /// <summary>A cycle as the list of its steps (first repeated at the end), or null; iterative three-colour DFS.</summary>
    private static List<string>? FindCycle(Dictionary<string, string[]> edges)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var root in edges.Keys)
        {
            if (state.ContainsKey(root)) continue;
            var path = new List<string>();
            var stack = new Stack<(string Id, int Next)>();
            stack.Push((root, 0));
            state[root] = 1;
            path.Add(root);
            while (stack.Count > 0)
            {
                var (id, next) = stack.Pop();
                if (next < edges[id].Length)
                {
                    stack.Push((id, next + 1));
                    var target = edges[id][next];
                    if (state.GetValueOrDefault(target) == 1) return [.. path[path.IndexOf(target)..], target];
                    if (state.ContainsKey(target)) continue;
                    state[target] = 1;
                    path.Add(target);
                    stack.Push((target, 0));
                }
                else
                {
                    state[id] = 2;
                    path.RemoveAt(path.Count - 1);
                }
            }
        }
        return null;
    }

    /// <summary>The longest wait-free walk from a step in an acyclic graph: steps on it, and action steps among them.</summary>
    private static (int Steps, int Actions) Longest(string id, Dictionary<string, string[]> walk, Dictionary<string, JourneyStep> steps, Dictionary<string, (int, int)> memo)
    {
        if (memo.TryGetValue(id, out var known)) return known;
        var (bestSteps, bestActions) = (0, 0);
        foreach (var next in walk[id])
        {
            var (s, a) = Longest(next, walk, steps, memo);
            bestSteps = Math.Max(bestSteps, s);
            bestActions = Math.Max(bestActions, a);
        }
        var result = (bestSteps + 1, bestActions + (steps[id].Kind == StepKind.Action ? 1 : 0));
        memo[id] = result;
        return result;
    }
}
