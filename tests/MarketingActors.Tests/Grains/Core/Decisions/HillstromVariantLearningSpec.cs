using MarketingActors.Campaigns;
using MarketingActors.Core.Decisions;
using MarketingActors.Core.Profiles;
using MarketingActors.Tests.Support;
using Xunit.Abstractions;

namespace MarketingActors.Tests.Grains.Core.Decisions;

/// <summary>
/// MineThatData E-Mail Analytics (Hillstrom 2008), hillstrom.csv from ../shared/datasets. The three
/// arms were assigned at random, so the replay method is unbiased: stream the customers, let the
/// engine's NextBestActionPolicy choose an arm from the variant posteriors, and when its choice
/// matches the arm the customer really got, reveal the outcome and fold it into the posterior
/// exactly as CampaignGrain folds silo tallies (deliveries, conversions). Ground truth per arm:
/// Mens 1.253%, Womens 0.884%, No E-Mail 0.573% conversion.
/// </summary>
public sealed class HillstromVariantLearningSpec(ITestOutputHelper output)
{
    private static readonly string[] Arms = ["Mens E-Mail", "Womens E-Mail", "No E-Mail"];

    [Fact]
    public void Variant_learning_moves_traffic_toward_the_arm_that_converts_best()
    {
        var customers = Datasets.ReadCsv("hillstrom.csv").Select(r => (Arm: r["segment"], Converted: r["conversion"] == "1")).ToArray();
        Assert.Equal(64_000, customers.Length);
        new Random(2008).Shuffle(customers);
        var campaign = new CampaignDefinition
        {
            Id = "hillstrom",
            Name = "Hillstrom e-mail test",
            Status = CampaignStatus.Active,
            ConversionValue = 1m,
            Actions = [.. Arms.Select(a => new ActionOption { Id = a, Channel = "web", Variant = a })],
            Budget = new BudgetEnvelope { Total = 1m, Currency = "USD" },
        };
        var posteriors = Arms.ToDictionary(a => a, a => new VariantPosterior { ActionId = a });
        var customer = ScoredCustomer.Score("replay", new BehaviourProfile(), new LogisticPriorModel(), TestCustomers.T0);
        var random = new Random(7);
        var choices = new List<string>(customers.Length);
        long matched = 0, conversions = 0;

        foreach (var (arm, converted) in customers)
        {
            var ranking = NextBestActionPolicy.Rank(campaign, [], null, customer, VariantEvidence.Of(posteriors.Values), segment: null, random);
            var choice = ranking.Eligible[0].Action.Id;
            choices.Add(choice);
            if (choice != arm) continue;
            matched++;
            if (converted) conversions++;
            var p = posteriors[arm];
            posteriors[arm] = p with { Deliveries = p.Deliveries + 1, Conversions = p.Conversions + (converted ? 1 : 0) };
        }

        var firstQuarter = Shares(choices.Take(choices.Count / 4));
        var lastQuarter = Shares(choices.Skip(3 * choices.Count / 4));
        var replayRate = (double)conversions / matched;
        output.WriteLine($"first quarter: {Describe(firstQuarter)}; last quarter: {Describe(lastQuarter)}; replayed conversion {replayRate:P3} over {matched} matched (uniform: {customers.Average(c => c.Converted ? 1.0 : 0):P3})");
        Assert.True(lastQuarter["Mens E-Mail"] > 0.5, Describe(lastQuarter));
        Assert.True(lastQuarter["Mens E-Mail"] > firstQuarter["Mens E-Mail"], $"{Describe(firstQuarter)} → {Describe(lastQuarter)}");
        Assert.True(lastQuarter["No E-Mail"] < 0.15, Describe(lastQuarter));
        Assert.True(replayRate > customers.Average(c => c.Converted ? 1.0 : 0), $"replayed {replayRate:P3}");
    }

    private static Dictionary<string, double> Shares(IEnumerable<string> choices)
    {
        var list = choices.ToList();
        return Arms.ToDictionary(a => a, a => list.Count(c => c == a) / (double)list.Count);
    }

    private static string Describe(Dictionary<string, double> shares) => string.Join(", ", shares.Select(s => $"{s.Key} {s.Value:P1}"));
}
