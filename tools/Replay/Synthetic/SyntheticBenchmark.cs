using System.Globalization;
using MarketingActors.Core.Decisions;
using MarketingActors.Decisions;
using MarketingActors.Measurement;

namespace MarketingActors.Replay.Synthetic;

/// <summary>A policy's expected value per decision at a checkpoint, as a fraction of the oracle's on the same customers.</summary>
public sealed record Checkpoint(int Decisions, double Value, double OracleValue)
{
    public double FractionOfOracle => Value / OracleValue;
}

public sealed record SyntheticRun(string Policy, bool ContextEffects, int Seed, Checkpoint[] Checkpoints);

/// <summary>
/// Runs the engine's <see cref="ContextualPolicy"/> (and, for comparison, the same policy seeing no
/// context, i.e. context-free Thompson sampling, and uniform random) online in a
/// <see cref="SyntheticWorld"/>: each decision's reward is seen at once, the posteriors are rebuilt
/// every <see cref="RefreshEvery"/> decisions as the engine rebuilds them from each silo report.
/// At each checkpoint the policy as it stands is valued exactly (its probabilities times the true
/// expected values) on a fixed set of customers, beside the oracle (the best action per customer).
/// </summary>
public static class SyntheticBenchmark
{
    public const int RefreshEvery = 500;
    public const int EvaluationCustomers = 2_000;
    public const string Contextual = "contextual", ContextFree = "context-free Thompson", Uniform = "uniform random";

    public static SyntheticRun Run(string policy, bool contextEffects, int seed, IReadOnlyList<int> checkpoints, PolicyOptions? options = null)
    {
        options ??= PolicyOptions.Default;
        var world = new SyntheticWorld(contextEffects);
        var random = new Random(seed);
        var evaluation = new Random(seed + 1_000_000);
        var customers = Enumerable.Range(0, EvaluationCustomers).Select(_ => SyntheticWorld.Draw(evaluation)).ToArray();
        var oracle = customers.Average(c => Enumerable.Range(0, SyntheticWorld.Actions.Length).Max(a => world.ExpectedValue(c, a)));
        var dimension = policy == Contextual ? SyntheticWorld.ContextDimension : 1;
        var arms = SyntheticWorld.Actions.Select((id, i) => new PolicyArm(id, SyntheticWorld.Costs[i])).ToArray();
        var evidence = arms.Select(a => new ArmStatistics { ArmId = a.ArmId }).ToArray();
        var accumulators = arms.Select(a => new ArmAccumulator(a.ArmId, dimension)).ToArray();
        var posteriors = Posteriors(evidence, options, dimension);
        var results = new List<Checkpoint>();
        for (var n = 1; n <= checkpoints.Max(); n++)
        {
            var customer = SyntheticWorld.Draw(random);
            var x = ContextOf(customer, dimension);
            var action = policy == Uniform ? random.Next(arms.Length) : ContextualPolicy.Choose(arms, posteriors, x, options, random).Chosen;
            accumulators[action].Trial(x);
            var revenue = world.Respond(customer, action, random);
            if (revenue > 0) accumulators[action].Conversion(x, revenue);
            if (n % RefreshEvery == 0)
            {
                for (var a = 0; a < arms.Length; a++) evidence[a] = evidence[a].Plus(accumulators[a].Take());
                posteriors = Posteriors(evidence, options, dimension);
            }
            if (checkpoints.Contains(n)) results.Add(new Checkpoint(n, Value(policy, world, customers, arms, posteriors, options, dimension, new Random(seed + n)), oracle));
        }
        return new SyntheticRun(policy, contextEffects, seed, [.. results]);
    }

    private static double Value(string policy, SyntheticWorld world, SyntheticCustomer[] customers, PolicyArm[] arms, ArmPosterior[] posteriors, PolicyOptions options, int dimension, Random random)
    {
        double total = 0;
        foreach (var c in customers)
        {
            var probabilities = policy == Uniform
                ? [.. Enumerable.Repeat(1.0 / arms.Length, arms.Length)]
                : ContextualPolicy.Choose(arms, posteriors, ContextOf(c, dimension), options, random).Probabilities;
            for (var a = 0; a < arms.Length; a++) total += probabilities[a] * world.ExpectedValue(c, a);
        }
        return total / customers.Length;
    }

    private static double[] ContextOf(SyntheticCustomer c, int dimension) => dimension == 1 ? [1.0] : SyntheticWorld.Context(c);

    private static ArmPosterior[] Posteriors(ArmStatistics[] evidence, PolicyOptions options, int dimension)
    {
        var prior = PolicyPrior.Pool(evidence, SyntheticWorld.OrderValue, options.WeightPrecision);
        return [.. evidence.Select(e => ArmPosterior.Of(e, prior, dimension))];
    }

    public static void Print(IReadOnlyList<SyntheticRun> runs, TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        foreach (var world in runs.GroupBy(r => r.ContextEffects))
        {
            o.WriteLine($"## world {(world.Key ? "with context effects" : "without context effects")}: fraction of oracle value");
            var checkpoints = world.First().Checkpoints.Select(c => c.Decisions).ToArray();
            o.WriteLine("| policy | seed | " + string.Join(" | ", checkpoints.Select(c => $"{c:N0}")) + " |");
            o.WriteLine("|---|---|" + string.Concat(checkpoints.Select(_ => "---:|")));
            foreach (var run in world)
                o.WriteLine($"| {run.Policy} | {run.Seed} | " + string.Join(" | ", run.Checkpoints.Select(c => (100 * c.FractionOfOracle).ToString("0.0", inv) + "%")) + " |");
            foreach (var policy in world.GroupBy(r => r.Policy))
                o.WriteLine($"| {policy.Key} | mean [min–max] | " + string.Join(" | ", checkpoints.Select((_, i) =>
                {
                    var f = policy.Select(r => 100 * r.Checkpoints[i].FractionOfOracle).ToArray();
                    return $"{f.Average().ToString("0.0", inv)}% [{f.Min().ToString("0.0", inv)}–{f.Max().ToString("0.0", inv)}]";
                })) + " |");
            o.WriteLine();
            if (PairedAgainstContextFree(world.ToArray()) is not { } paired) continue;
            o.WriteLine($"{Contextual} minus {ContextFree}, paired by seed ({paired.Seeds} seeds; points of the oracle's value, 95% CI): "
                + string.Join("; ", checkpoints.Select((c, i) => $"{c.ToString("N0", inv)} {Estimates.Show(paired.Points[i], "+0.00;-0.00")}")));
            o.WriteLine();
        }
    }

    /// <summary>
    /// The contextual policy's fraction of the oracle minus context-free Thompson sampling's, seed by
    /// seed (the same world, customers and checkpoints), at each checkpoint: whether context costs
    /// anything where there is none to find is a paired question, not one of two ranges. Null
    /// without two seeds that ran both.
    /// </summary>
    public static (int Seeds, Interval[] Points)? PairedAgainstContextFree(IReadOnlyList<SyntheticRun> runs)
    {
        var contextFree = runs.Where(r => r.Policy == ContextFree).ToDictionary(r => (r.Seed, r.ContextEffects));
        var pairs = runs.Where(r => r.Policy == Contextual && contextFree.ContainsKey((r.Seed, r.ContextEffects)))
            .Select(r => (Contextual: r, ContextFree: contextFree[(r.Seed, r.ContextEffects)])).ToArray();
        if (pairs.Length < 2) return null;
        var points = pairs[0].Contextual.Checkpoints.Select((_, i) =>
            Estimates.Mean([.. pairs.Select(p => 100 * (p.Contextual.Checkpoints[i].FractionOfOracle - p.ContextFree.Checkpoints[i].FractionOfOracle))]));
        return (pairs.Length, [.. points]);
    }
}
