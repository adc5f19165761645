using MarketingActors.Core.Profiles;
using MarketingActors.Events;
using MarketingActors.Learning;

namespace MarketingActors.Tests.Support;

/// <summary>
/// Labelled rows built the way the engine builds them: random event histories applied to a real
/// BehaviourProfile, features from CustomerFeatures.Compute, scored by the prior. The outcome is
/// drawn from a known ground truth driven by past spend and contact fatigue, which a tree model can
/// learn and the prior (which ignores both) cannot.
/// Shared with the benchmarks (linked there), so both measure the same rows.
/// </summary>
public static class SyntheticOutcomes
{
    public static readonly DateTimeOffset Start = new(2025, 3, 3, 0, 0, 0, TimeSpan.Zero);

    public static TrainingRow[] Rows(int count, int seed = 1, string modelVersion = LogisticPriorModel.PriorVersion, double shift = 0)
    {
        var random = new Random(seed);
        var prior = new LogisticPriorModel();
        var rows = new TrainingRow[count];
        for (var i = 0; i < count; i++)
        {
            var at = Start.AddSeconds(i * 30);
            var features = CustomerFeatures.Compute(History(random, at), at);
            var p = TrueProbability(features, shift);
            var converted = random.NextDouble() < p;
            rows[i] = new TrainingRow
            {
                Features = features,
                Converted = converted,
                At = at,
                Value = converted ? Math.Round(20 + 40 * features[10] + 10 * random.NextDouble(), 2) : 0,
                ModelVersion = modelVersion,
                Score = prior.Score(features),
                CustomerId = "synthetic-" + i,
            };
        }
        return rows;
    }

    /// <summary>
    /// The ground truth; <paramref name="shift"/> moves the whole population's odds (for drift).
    /// Past spend and contact fatigue matter most here, and the prior ignores both.
    /// </summary>
    public static double TrueProbability(float[] f, double shift = 0)
    {
        var cartIntent = f[4] > 0.5;
        var z = -3.0 + shift + 1.2 * Math.Max(0, f[10] - 3) + (cartIntent ? 0.8 : 0) - 0.5 * f[7] - 0.04 * Math.Min(f[8], 30);
        return 1 / (1 + Math.Exp(-z));
    }

    public static BehaviourProfile History(Random random, DateTimeOffset at)
    {
        var events = new List<(DateTimeOffset At, string Type, decimal? Value)>();
        void Add(string type, int max, double days, decimal? value = null)
        {
            var n = random.Next(max + 1);
            for (var k = 0; k < n; k++) events.Add((at.AddMinutes(-random.NextDouble() * days * 1440), type, value));
        }
        Add("page_view", 8, 20);
        Add("product_view", 5, 3);
        if (random.NextDouble() < 0.35) Add("add_to_cart", 2, 0.8);
        Add("email_sent", 4, 14);
        if (random.NextDouble() < 0.4) Add("email_opened", 3, 10);
        if (random.NextDouble() < 0.3) Add("purchase", 2, 30, Math.Round((decimal)(random.NextDouble() * 300), 2));
        var profile = new BehaviourProfile();
        var id = 0;
        foreach (var e in events.OrderBy(e => e.At))
        {
            profile.Apply(new MarketingEvent
            {
                EventId = "s" + id++,
                CustomerId = "synthetic",
                Type = e.Type,
                Timestamp = e.At,
                Value = e.Value,
            }, EventCatalog.KindOf(e.Type));
        }
        return profile;
    }
}
