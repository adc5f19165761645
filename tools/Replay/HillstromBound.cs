using System.Globalization;
using MarketingActors.Campaigns;
using MarketingActors.Core.Decisions;
using MarketingActors.Decisions;
using MarketingActors.Measurement;

namespace MarketingActors.Replay;

/// <summary>One order of the file under <see cref="HillstromBound"/>: its value, the Mens rule's on the same rows, and the paired difference.</summary>
public sealed record BoundRun(string Label, double Whole, double SecondHalf, double MensSecondHalf, Interval Paired, double MensShare)
{
    public bool SignificantlyBelowMens => Paired.Upper < 0;
}

/// <summary>
/// What the Hillstrom targets ask of any learner, on the same replay (same orders, rejection
/// sampling): the myopic Bayes rule of a learner that knows each arm's true conversion rate and
/// spend per customer (the file's), and that no_email is the worst, and does not know only whether
/// the two e-mails are the other way round. For that two-armed bandit with two symmetric hypotheses
/// the myopic rule is optimal (Feldman, Ann. Math. Statist. 33, 1962), so its expected value bounds
/// that of any learner that treats the two e-mails alike before it has evidence, as the engine's
/// policies do: such a learner's expected value is the same in the real and in the mirrored world,
/// hence at most the Bayes-optimal average over the two. It is shown more than the engine: no
/// holdout, and the conversion of every matched row. (It ignores the order values, which differ by
/// $8 between the e-mails' converters against a $105 spread: next to no evidence.)
/// </summary>
public static class HillstromBound
{
    /// <param name="visits">Whether the learner sees each matched row's visit too (and knows the arms' visit rates):
    /// the bound for a learner that learns from engagement as well as conversions.</param>
    public static BoundRun Run(IReadOnlyList<HillstromRow> all, IReadOnlyList<HillstromRow> order, string label, bool visits = false)
    {
        double Rate(string arm) => all.Where(r => r.Arm == arm).Average(r => r.Converted ? 1.0 : 0.0);
        double VisitRate(string arm) => all.Where(r => r.Arm == arm).Average(r => r.Visited ? 1.0 : 0.0);
        var (mensVisits, womensVisits) = (VisitRate(HillstromReplay.Mens), VisitRate(HillstromReplay.Womens));
        double Spend(string arm) => all.Where(r => r.Arm == arm).Average(r => r.Spend);
        var (mensRate, womensRate) = (Rate(HillstromReplay.Mens), Rate(HillstromReplay.Womens));
        var (mensSpend, womensSpend) = (Spend(HillstromReplay.Mens), Spend(HillstromReplay.Womens));
        var logOdds = 0.0; // log P(real world) / P(the e-mails swapped)
        var matched = new List<(int Position, double Net)>();
        var paired = new double[order.Count];
        var mensChoices = 0;
        for (var i = 0; i < order.Count; i++)
        {
            var real = 1 / (1 + Math.Exp(-logOdds));
            var mensValue = real * mensSpend + (1 - real) * womensSpend;
            var womensValue = real * womensSpend + (1 - real) * mensSpend;
            var choice = mensValue >= womensValue ? HillstromReplay.Mens : HillstromReplay.Womens;
            if (choice == HillstromReplay.Mens) mensChoices++;
            var row = order[i];
            paired[i] = HillstromReplay.PairedTerm(row, choice, HillstromReplay.Mens);
            if (choice != row.Arm) continue;
            matched.Add((i, row.Net));
            var (ifReal, ifSwapped) = choice == HillstromReplay.Mens ? (mensRate, womensRate) : (womensRate, mensRate);
            if (!visits)
            {
                logOdds += row.Converted ? Math.Log(ifReal / ifSwapped) : Math.Log((1 - ifReal) / (1 - ifSwapped));
                continue;
            }
            // Every converter visited: the outcomes are no visit, a visit without an order, an order.
            var (visitReal, visitSwapped) = choice == HillstromReplay.Mens ? (mensVisits, womensVisits) : (womensVisits, mensVisits);
            logOdds += row.Converted ? Math.Log(ifReal / ifSwapped)
                : row.Visited ? Math.Log((visitReal - ifReal) / (visitSwapped - ifSwapped))
                : Math.Log((1 - visitReal) / (1 - visitSwapped));
        }
        return Result(label, order, matched, paired, mensChoices / (double)order.Count);
    }

    /// <summary>A run's figures from its matched rows (position in the order, net value) and its paired terms against the Mens rule.</summary>
    private static BoundRun Result(string label, IReadOnlyList<HillstromRow> order, List<(int Position, double Net)> matched, IReadOnlyCollection<double> paired, double mensShare)
    {
        var half = order.Count / 2;
        return new BoundRun(label, matched.Average(m => m.Net), matched.Where(m => m.Position >= half).Average(m => m.Net),
            order.Skip(half).Where(r => r.Arm == HillstromReplay.Mens).Average(r => r.Net), Estimates.Mean([.. paired]), mensShare);
    }

    private static readonly PolicyArm[] Arms = [.. HillstromReplay.ArmIds.Select(a => new PolicyArm(a, HillstromReplay.CostOf(a), Control: a == HillstromReplay.None))];
    /// <summary>The engine's default policy options for the replay's campaign, whose holdout is <see cref="HoldoutShare"/>.</summary>
    private static readonly PolicyOptions Options = PolicyOptions.Default with { HoldoutShare = HoldoutShare };
    private const double HoldoutShare = 0.3;
    private static readonly double[] NoContext = [1.0];
    private static readonly int MensArm = Array.IndexOf(HillstromReplay.ArmIds, HillstromReplay.Mens);

    /// <summary>
    /// Beside the bound, the engine's policy core (<see cref="ContextualPolicy"/> with its default
    /// exploration floor and no context: its best-single-action baseline) on the same order, in
    /// process and without HTTP, with the replay's rules (<see cref="Replayed"/>). Cheap enough to
    /// run on hundreds of orders, where the HTTP replay's ten runs are too few to tell its
    /// expectation. With a <paramref name="priorTest"/>, the arms start from its evidence as the
    /// engine's do; with <paramref name="engagement"/>, a matched row's visit is its engagement, as
    /// the replay posts it.
    /// </summary>
    public static BoundRun EnginePolicy(IReadOnlyList<HillstromRow> order, int seed, string label, PriorTest? priorTest = null, bool engagement = false) =>
        Replayed(order, seed, label, (posteriors, random) => ContextualPolicy.Choose(Arms, posteriors, NoContext, Options, random).Chosen, priorTest, engagement);

    /// <summary>
    /// The Mens rule with the policy's exploration floor: told from the first row which e-mail is
    /// best, it still spreads <see cref="PolicyOptions.ExplorationFloor"/> of its decisions over
    /// the arms as the policy does (<see cref="ContextualPolicy.FloorShares"/>), as the issue's floor (that keeps the holdout and off-policy estimates valid)
    /// asks of any policy. What no learner that keeps that floor can beat on Hillstrom, where
    /// context carries next to no signal: the price of the floor alone, with nothing to learn.
    /// </summary>
    public static BoundRun MensRuleWithFloor(IReadOnlyList<HillstromRow> order, int seed, string label) =>
        Replayed(order, seed, label, (_, random) => FloorArm(random.NextDouble()) ?? MensArm);

    private static readonly double[] Floor = ContextualPolicy.FloorShares(Arms, Options);

    /// <summary>The arm the floor gives a uniform draw <paramref name="u"/>, if it falls in the floor's share.</summary>
    private static int? FloorArm(double u)
    {
        for (var a = 0; a < Floor.Length; a++) if ((u -= Floor[a]) < 0) return a;
        return null;
    }

    /// <summary>
    /// A policy on one order with the replay's rules: 30% of customers held out (only those logged
    /// without e-mail kept, as evidence of the control arm), matched treated rows revealed, the
    /// arms' posteriors rebuilt every 500 settled outcomes and handed to <paramref name="choose"/>.
    /// </summary>
    private static BoundRun Replayed(IReadOnlyList<HillstromRow> order, int seed, string label, Func<ArmPosterior[], Random, int> choose,
        PriorTest? priorTest = null, bool engagement = false)
    {
        var random = new Random(seed);
        var tested = PriorTestEvidence.With(new Dictionary<string, ArmStatistics>(), priorTest, dimension: 1);
        var evidence = Arms.Select(a => tested.GetValueOrDefault(a.ArmId) ?? new ArmStatistics { ArmId = a.ArmId }).ToArray();
        var pending = Arms.Select(a => new ArmAccumulator(a.ArmId, 1)).ToArray();
        ArmPosterior[] Posteriors()
        {
            var prior = PolicyPrior.Pool(evidence, conversionValue: 50, PolicyOptions.Default.WeightPrecision);
            return [.. evidence.Select(e => ArmPosterior.Of(e, prior, 1))];
        }
        var posteriors = Posteriors();
        var (settled, mensChoices, none) = (0, 0, Array.IndexOf(HillstromReplay.ArmIds, HillstromReplay.None));
        var matched = new List<(int Position, double Net)>();
        var paired = new List<double>();
        for (var i = 0; i < order.Count; i++)
        {
            var row = order[i];
            var logged = Array.IndexOf(HillstromReplay.ArmIds, row.Arm);
            if (random.NextDouble() < HoldoutShare)
            {
                if (logged != none) continue;
                Settle(none, row);
            }
            else
            {
                var choice = choose(posteriors, random);
                if (choice == MensArm) mensChoices++;
                paired.Add(HillstromReplay.PairedTerm(row, Arms[choice].ArmId, HillstromReplay.Mens));
                if (choice != logged) continue;
                matched.Add((i, row.Net));
                Settle(choice, row);
            }
            if (settled < 500) continue;
            for (var a = 0; a < Arms.Length; a++) evidence[a] = evidence[a].Plus(pending[a].Take());
            (posteriors, settled) = (Posteriors(), 0);
        }
        return Result(label, order, matched, paired, mensChoices / (double)paired.Count);

        void Settle(int arm, HillstromRow row)
        {
            pending[arm].Trial(NoContext);
            if (engagement && row.Visited) pending[arm].Engagement();
            if (row.Converted) pending[arm].Conversion(NoContext, row.Spend);
            settled++;
        }
    }

    /// <summary>
    /// Each learner on the seeds' orders, one row per run, then the same over <paramref name="many"/>
    /// further seeds (<paramref name="manyFrom"/> on: the reported figures use 1000 on, a design choice is measured on
    /// another range first), summarized: the bound, the Mens rule with the policy's floor, and the
    /// policy core from cold on the whole file's two orders per seed, learning from conversions
    /// alone and from visits too; the policy core warm-started on the cross-fitted folds (each half
    /// of the seed's shuffle, both orders, with the other half's results, visits included, as its
    /// prior test).
    /// The last line is the summaries as JSON, as the replay's other commands end.
    /// </summary>
    public static void Print(IReadOnlyList<HillstromRow> rows, IEnumerable<int> seeds, int many, int manyFrom, TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        string F(double x) => x.ToString("0.000", inv);
        IEnumerable<(string Label, List<HillstromRow> Order)> Orders(int seed) => new[] { false, true }.Select(reversed =>
            ($"seed {seed} {(reversed ? "reversed" : "shuffled")}", HillstromReplay.Order(rows, seed, reversed)));
        IEnumerable<BoundRun> Warm(int seed) => HillstromReplay.CrossFitFolds(rows, seed).SelectMany((fold, f) => new[] { false, true }.Select(reversed =>
            EnginePolicy(HillstromReplay.InOrder(fold.Replayed, reversed), seed * 4 + 2 * f + (reversed ? 1 : 0),
                $"seed {seed} {fold.Label} {(reversed ? "reversed" : "shuffled")}", HillstromReplay.PriorTestOf(fold.Prior, "the other fold"), engagement: true)));
        var summaries = new List<object>();
        foreach (var (learner, name, runs) in new (string, string, Func<int, IEnumerable<BoundRun>>)[]
                 {
                     ("bound", "the bound (myopic Bayes, knows the arms' rates)", seed => Orders(seed).Select(x => Run(rows, x.Order, x.Label))),
                     ("bound-visits", "the bound seeing visits too (myopic Bayes, knows the arms' conversion and visit rates)", seed => Orders(seed).Select(x => Run(rows, x.Order, x.Label, visits: true))),
                     ("mens-floor", "the Mens rule with the policy's exploration floor (knows the best e-mail from the start)", seed => Orders(seed).Select((x, i) => MensRuleWithFloor(x.Order, seed * 2 + i, x.Label))),
                     ("core", "the engine's policy core, no context", seed => Orders(seed).Select((x, i) => EnginePolicy(x.Order, seed * 2 + i, x.Label))),
                     ("core-engaged", "the engine's policy core, no context, learning from visits too", seed => Orders(seed).Select((x, i) => EnginePolicy(x.Order, seed * 2 + i, x.Label, engagement: true))),
                     ("core-warm", "the engine's policy core, no context, learning from visits too, warm-started from the other fold's results", Warm),
                 })
        {
            var reported = seeds.SelectMany(runs).ToList();
            o.WriteLine($"## {name}");
            o.WriteLine("| run | net | net, 2nd half | mens net, 2nd half | minus mens, paired [95% CI] | mens share |");
            o.WriteLine("|---|---:|---:|---:|---|---:|");
            foreach (var r in reported)
                o.WriteLine($"| {r.Label} | {F(r.Whole)} | {F(r.SecondHalf)} | {F(r.MensSecondHalf)} | {Estimates.Show(r.Paired, "0.000")} | {F(r.MensShare)} |");
            var further = Enumerable.Range(manyFrom, many).SelectMany(runs).ToList();
            foreach (var (which, orders, set) in new[] { ("these orders", "seeds", reported), ($"{further.Count} further orders (seeds {manyFrom}–{manyFrom + many - 1})", "further", further) })
            {
                o.WriteLine($"{which}: whole {F(set.Average(r => r.Whole))} (min {F(set.Min(r => r.Whole))}), second half {F(set.Average(r => r.SecondHalf))} vs mens {F(set.Average(r => r.MensSecondHalf))}, " +
                    $"significantly below mens in {set.Count(r => r.SignificantlyBelowMens)} of {set.Count} runs");
                summaries.Add(new
                {
                    learner, orders, runs = set.Count, whole = set.Average(r => r.Whole), wholeMin = set.Min(r => r.Whole),
                    secondHalf = set.Average(r => r.SecondHalf), mensSecondHalf = set.Average(r => r.MensSecondHalf),
                    significantlyBelowMens = set.Count(r => r.SignificantlyBelowMens),
                });
            }
            o.WriteLine();
        }
        o.WriteLine(System.Text.Json.JsonSerializer.Serialize(summaries));
    }
}
