namespace MarketingActors.Core.Decisions;

/// <summary>An arm the policy may pick for this decision: an eligible action, what sending it costs, and whether it is the campaign's control option (it sends nothing, as the holdout).</summary>
public readonly record struct PolicyArm(string ArmId, double Cost, bool Control = false);

/// <summary>
/// The policy's answer for one decision: the arm to act on, the probability it had (logged, so any
/// other policy can be evaluated off-policy from the audit), every arm's probability and predicted
/// net value (revenue − cost) for this customer, and why.
/// </summary>
public sealed record PolicyChoice(int Chosen, double[] Probabilities, double[] PredictedValues, string Reason)
{
    public double Propensity => Probabilities[Chosen];

    /// <summary>The chosen arm was the best single action (by its context-free posterior mean).</summary>
    public const string Baseline = "baseline";
    /// <summary>The contextual estimate for this customer was clearly better than the best single action's.</summary>
    public const string Contextual = "contextual";
    /// <summary>Neither: a Thompson draw or the exploration floor tried another arm.</summary>
    public const string Exploration = "exploration";
}

/// <summary>
/// A contextual Thompson-sampling policy that never trades the best single action for a guess:
/// <list type="number">
/// <item>the baseline: a Thompson draw between the arms' context-free posteriors, which settles
/// on the best single action as evidence grows (the rule a marketer would otherwise write);</item>
/// <item>the contextual candidate: a Thompson draw between the arms' linear predictions for this
/// customer's context;</item>
/// <item>the safe policy improvement rule: the candidate replaces the baseline's draw only when,
/// for this customer, its predicted net value exceeds that of the best single action (the arm
/// with the highest context-free posterior mean) by more than
/// <see cref="PolicyOptions.SafetyMargin"/> standard deviations of the difference;</item>
/// <item>an exploration floor: <see cref="PolicyOptions.ExplorationFloor"/> of probability spread
/// evenly over the arms (<see cref="FloorShares"/>), so the holdout and the off-policy estimates
/// stay valid (no arm's logged propensity is ever zero). A control arm is left to the holdout when
/// the holdout already sends nothing to at least its share of the floor: the holdout is that
/// arm's treatment given at random, so the floor would only pay twice for the same evidence.</item>
/// </list>
/// Steps 1–3 are repeated for <see cref="PolicyOptions.Draws"/> draws and the decision is drawn
/// from their distribution mixed with the floor, so the logged propensity is exactly the
/// probability the decision was taken with.
/// </summary>
public static class ContextualPolicy
{
    public static PolicyChoice Choose(IReadOnlyList<PolicyArm> arms, IReadOnlyList<ArmPosterior> posteriors, ReadOnlySpan<double> context, PolicyOptions options, Random random)
    {
        var k = arms.Count;
        if (k == 0) throw new ArgumentException("no arm to choose from", nameof(arms));
        var mean = new double[k];
        var spread = new double[k];
        var baselineMean = new double[k];
        var baselineSpread = new double[k];
        for (var a = 0; a < k; a++)
        {
            (mean[a], spread[a]) = posteriors[a].Predict(context);
            mean[a] -= arms[a].Cost;
            baselineMean[a] = posteriors[a].Mean - arms[a].Cost;
            baselineSpread[a] = posteriors[a].MeanSpread;
        }
        var best = ArgMax(baselineMean);
        var counts = new int[k];
        Span<double> z = stackalloc double[2 * k + 1];
        for (var draw = 0; draw < options.Draws; draw++)
        {
            Normals(z, random);
            var baseline = ArgMaxDraw(baselineMean, baselineSpread, z[..k]);
            var candidate = ArgMaxDraw(mean, spread, z[k..]);
            counts[candidate != best && ClearlyBetter(candidate, best, mean, spread, options.SafetyMargin) ? candidate : baseline]++;
        }
        var probabilities = FloorShares(arms, options);
        for (var a = 0; a < k; a++) probabilities[a] += (1 - options.ExplorationFloor) * counts[a] / options.Draws;
        var chosen = Sample(probabilities, random);
        var reason = chosen == best ? PolicyChoice.Baseline
            : ClearlyBetter(chosen, best, mean, spread, options.SafetyMargin) ? PolicyChoice.Contextual
            : PolicyChoice.Exploration;
        return new PolicyChoice(chosen, probabilities, mean, reason);
    }

    /// <summary>
    /// Each arm's share of the exploration floor: <see cref="PolicyOptions.ExplorationFloor"/> / K,
    /// except that the (first) control arm gets none and the others share the floor when
    /// <see cref="PolicyOptions.HoldoutShare"/> ≥ floor / K: the holdout then tries the control
    /// treatment on at least as many customers as the floor would.
    /// </summary>
    public static double[] FloorShares(IReadOnlyList<PolicyArm> arms, PolicyOptions options)
    {
        var k = arms.Count;
        var shares = new double[k];
        var control = ControlArm(arms);
        var leftToHoldout = control >= 0 && k > 1 && options.HoldoutShare >= options.ExplorationFloor / k;
        for (var a = 0; a < k; a++) shares[a] = !leftToHoldout ? options.ExplorationFloor / k : a == control ? 0 : options.ExplorationFloor / (k - 1);
        return shares;
    }

    /// <summary>The index of the first control arm, −1 when none is eligible.</summary>
    public static int ControlArm(IReadOnlyList<PolicyArm> arms)
    {
        for (var a = 0; a < arms.Count; a++) if (arms[a].Control) return a;
        return -1;
    }

    private static bool ClearlyBetter(int a, int b, double[] mean, double[] spread, double margin) =>
        mean[a] - mean[b] > margin * Math.Sqrt(spread[a] * spread[a] + spread[b] * spread[b]);

    private static int ArgMaxDraw(double[] mean, double[] spread, ReadOnlySpan<double> z)
    {
        var best = 0;
        var bestValue = double.NegativeInfinity;
        for (var a = 0; a < mean.Length; a++)
        {
            var value = mean[a] + spread[a] * z[a];
            if (value > bestValue) (best, bestValue) = (a, value);
        }
        return best;
    }

    private static int ArgMax(double[] values)
    {
        var best = 0;
        for (var a = 1; a < values.Length; a++) if (values[a] > values[best]) best = a;
        return best;
    }

    private static int Sample(double[] probabilities, Random random)
    {
        var u = random.NextDouble();
        for (var a = 0; a < probabilities.Length - 1; a++)
        {
            u -= probabilities[a];
            if (u < 0) return a;
        }
        return probabilities.Length - 1;
    }

    /// <summary>Standard normals, two per Box–Muller step (its cosine and its sine).</summary>
    private static void Normals(Span<double> z, Random random)
    {
        for (var i = 0; i + 1 < z.Length; i += 2)
        {
            var r = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
            var (sin, cos) = Math.SinCos(2 * Math.PI * random.NextDouble());
            z[i] = r * cos;
            z[i + 1] = r * sin;
        }
    }
}

/// <summary>How the contextual policy explores and when it trusts its contexts (per campaign, <c>policy</c> in its definition).</summary>
public sealed record PolicyOptions
{
    public static readonly PolicyOptions Default = new();

    /// <summary>Thompson draws behind each decision's probabilities: 1/Draws is their resolution.</summary>
    public int Draws { get; init; } = 32;
    /// <summary>Share of decisions spread evenly over the eligible arms whatever the evidence says.</summary>
    public double ExplorationFloor { get; init; } = 0.05;
    /// <summary>Share of the campaign's customers its holdout sends nothing, at random: the control arm's treatment without the policy.</summary>
    public double HoldoutShare { get; init; }
    /// <summary>Standard deviations by which a contextual estimate must beat the baseline's arm for this customer.</summary>
    public double SafetyMargin { get; init; } = 2.0;
    /// <summary>Prior precision, in trials, of each context weight other than the intercept.</summary>
    public double WeightPrecision { get; init; } = 10;
}
