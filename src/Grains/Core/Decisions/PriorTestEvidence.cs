using MarketingActors.Campaigns;
using MarketingActors.Decisions;

namespace MarketingActors.Core.Decisions;

/// <summary>
/// A <see cref="PriorTest"/>'s results as arm evidence of the contextual policy: each action's
/// trials, conversions and revenue scaled by the test's weight, at the context's constant only
/// (the test reports totals, not its customers' contexts), so they move the arm's context-free
/// mean and intercept as that many trials of its own would, and leave the context weights to the
/// campaign's own evidence. Added where the posteriors are built, never to the campaign's tallies:
/// reports and off-policy estimates count only what the campaign itself decided.
/// </summary>
public static class PriorTestEvidence
{
    /// <summary>The campaign's own evidence per arm with the test's added; the same dictionary when there is no test.</summary>
    public static IReadOnlyDictionary<string, ArmStatistics> With(IReadOnlyDictionary<string, ArmStatistics> own, PriorTest? test, int dimension)
    {
        if (test is null) return own;
        var all = new Dictionary<string, ArmStatistics>(own, StringComparer.Ordinal);
        foreach (var arm in test.Arms)
        {
            var prior = Of(arm, test.Weight, dimension);
            all[arm.ActionId] = all.TryGetValue(arm.ActionId, out var mine) ? mine.Plus(prior) : prior;
        }
        return all;
    }

    public static ArmStatistics Of(PriorTestArm arm, double weight, int dimension)
    {
        var trials = weight * arm.Trials;
        var conversions = weight * arm.Conversions;
        var gram = new double[dimension * (dimension + 1) / 2];
        var moment = new double[dimension];
        // Index 0 of the packed Gram matrix and of the moment vector is the constant's.
        gram[0] = trials;
        moment[0] = conversions;
        return new ArmStatistics
        {
            ArmId = arm.ActionId,
            Trials = (long)Math.Round(trials),
            Conversions = (long)Math.Round(conversions),
            Engagements = (long)Math.Round(weight * (arm.Engagements ?? 0)),
            Revenue = weight * (double)arm.Revenue,
            Gram = gram,
            Moment = moment,
        };
    }
}
