using MarketingActors.Core.Decisions;

namespace MarketingActors.Replay.Synthetic;

/// <summary>One simulated customer: three behavioural scores, a region (0–2) and a tier (0 basic, 1 gold).</summary>
public sealed record SyntheticCustomer(double[] Scores, int Region, int Tier);

/// <summary>
/// A seeded world with known truth for the contextual policy (issue 18): customers with features,
/// four actions whose conversion probability depends on them (logistic in the features), an
/// exponentially distributed order value of mean <see cref="OrderValue"/>, and each action's cost.
/// With <c>contextEffects</c> the actions' responses cross (a different action is best for
/// different customers); without, every customer responds to an action alike. Fixed here, before
/// any policy ran on it, and not tuned after.
/// </summary>
public sealed class SyntheticWorld(bool contextEffects)
{
    public const double OrderValue = 40;
    public static readonly string[] Actions = ["email_offer", "email_content", "push", "sms"];
    public static readonly double[] Costs = [0.10, 0.10, 0.05, 0.30];

    private static readonly double[] Intercepts = [-3.2, -3.2, -3.6, -3.0];
    private static readonly double[][] ScoreEffects = [[0.8, 0, 0], [-0.8, 0, 0], [0, 0.9, 0], [0, 0, 0.7]];
    private static readonly double[][] RegionEffects = [[0.5, 0, -0.5], [-0.5, 0, 0.5], [0, 0.4, 0], [0, 0, 0]];
    private static readonly double[][] TierEffects = [[0, 0.6], [0, 0], [0, -0.3], [0, 0.8]];

    public bool ContextEffects { get; } = contextEffects;

    public static SyntheticCustomer Draw(Random random) =>
        new([ThompsonSampler.SampleNormal(random), ThompsonSampler.SampleNormal(random), ThompsonSampler.SampleNormal(random)], random.Next(3), random.NextDouble() < 0.3 ? 1 : 0);

    public double ConversionProbability(SyntheticCustomer c, int action)
    {
        var logit = Intercepts[action];
        if (ContextEffects)
        {
            for (var i = 0; i < c.Scores.Length; i++) logit += ScoreEffects[action][i] * c.Scores[i];
            logit += RegionEffects[action][c.Region] + TierEffects[action][c.Tier];
        }
        return 1 / (1 + Math.Exp(-logit));
    }

    /// <summary>Expected net value (order value × conversion probability − cost) of an action for a customer.</summary>
    public double ExpectedValue(SyntheticCustomer c, int action) => ConversionProbability(c, action) * OrderValue - Costs[action];

    /// <summary>What the customer does when sent <paramref name="action"/>: the revenue (0 without a conversion).</summary>
    public double Respond(SyntheticCustomer c, int action, Random random) =>
        random.NextDouble() < ConversionProbability(c, action) ? -OrderValue * Math.Log(1 - random.NextDouble()) : 0;

    /// <summary>The context the policy sees: a constant, the three scores, region and tier one-hot.</summary>
    public static double[] Context(SyntheticCustomer c)
    {
        var x = new double[9];
        x[0] = 1;
        for (var i = 0; i < 3; i++) x[1 + i] = c.Scores[i];
        x[4 + c.Region] = 1;
        x[7 + c.Tier] = 1;
        return x;
    }

    public const int ContextDimension = 9;
}
