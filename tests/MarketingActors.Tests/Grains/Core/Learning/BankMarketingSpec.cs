using MarketingActors.Core.Learning;
using MarketingActors.Core.Profiles;
using MarketingActors.Learning;
using MarketingActors.Tests.Support;
using Xunit.Abstractions;

namespace MarketingActors.Tests.Grains.Core.Learning;

/// <summary>
/// UCI Bank Marketing (Moro, Cortez, Rita 2014; CC BY 4.0), bank-full.csv from ../shared/datasets,
/// through the engine's own TrainingPipeline (time-ordered holdout, FastTree, evaluation). Its
/// columns are not customer-grain features, so the same pipeline is trained over a generic float[]
/// with the bank's own schema: numeric columns as they are, categorical ones one-hot, plus the
/// contact's calendar month counted from May 2008 (the file is in contact-date order but has no
/// year column; the date of a contact is known when it is made). `duration` is left out: it is
/// known only after the call and leaks the outcome. FastTree runs with more, smaller trees and a
/// lower learning rate than the engine's defaults (tuned on this data; docs/benchmarks.md §6).
/// </summary>
public sealed class BankMarketingSpec(ITestOutputHelper output)
{
    private static readonly string[] Numeric = ["age", "balance", "day", "campaign", "pdays", "previous", ContactMonth];
    private static readonly string[] Binary = ["default", "housing", "loan"];
    private static readonly string[] Categorical = ["job", "marital", "education", "contact", "month", "poutcome"];
    private static readonly string[] Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    private const string ContactMonth = "contact_month";

    private static readonly TrainingPipeline.Settings Tuned = new()
    {
        Trainer = new TrainerSettings { Trees = 500, Leaves = 8, LearningRate = 0.05, MinRowsPerLeaf = 50 },
    };

    /// <summary>The contacts in file (= date) order, each with its month since May 2008: the year turns where December gives way to January.</summary>
    private static List<Dictionary<string, string>> Contacts()
    {
        var records = Datasets.ReadCsv("bank-full.csv").ToList();
        var (year, previous) = (2008, 4);
        foreach (var r in records)
        {
            var month = Array.IndexOf(Months, r["month"]);
            if (month < previous - 6) year++;
            previous = month;
            r[ContactMonth] = ((year - 2008) * 12 + month - 4).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return records;
    }

    /// <summary>
    /// Contacts in a random order, so the pipeline's "latest 20%" holdout is a random 20%: the
    /// protocol behind the usual published figures. Reached: AUC 0.811 (Moro et al.: 0.80, on the
    /// richer bank-additional data).
    /// </summary>
    [Fact]
    public void FastTree_through_the_engine_pipeline_reaches_the_published_auc_on_a_random_holdout()
    {
        var records = Contacts();
        new Random(1).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(records));

        var metrics = Train(records, "random order");

        Assert.True(metrics.Auc >= 0.79, $"AUC {metrics.Auc:F4}");
    }

    /// <summary>
    /// The file in its own (contact-date) order: the holdout is the last 20% of contacts, mostly
    /// 2010, when the subscription rate had tripled (31.6% vs 11.7% overall). Without the economic
    /// context columns of the richer bank-additional data this regime change costs ranking quality:
    /// reached AUC 0.720 (0.674 with the engine's default trees and no contact month) — still far
    /// above chance, and the number the engine would really see.
    /// </summary>
    [Fact]
    public void FastTree_through_the_engine_pipeline_still_ranks_well_above_chance_on_a_time_ordered_holdout()
    {
        var metrics = Train(Contacts(), "time order");

        Assert.True(metrics.Auc >= 0.70, $"AUC {metrics.Auc:F4}");
    }

    private ModelMetrics Train(List<Dictionary<string, string>> records, string protocol)
    {
        Assert.True(records.Count > 45_000, $"{records.Count} contacts");
        var (names, encode) = Schema(records);
        Assert.DoesNotContain(names, n => n.StartsWith("duration", StringComparison.Ordinal));
        var start = new DateTimeOffset(2008, 5, 1, 0, 0, 0, TimeSpan.Zero);
        var rows = records.Select((r, i) => new TrainingRow
        {
            Features = encode(r),
            Converted = r["y"] == "yes",
            At = start.AddMinutes(i),
            ModelVersion = "none",
            Score = 0,
        }).ToArray();

        var result = TrainingPipeline.Run(rows, names, "bank-fasttree", new BaseRate(rows), Tuned);

        var m = result.ChallengerMetrics;
        output.WriteLine($"bank-full, {protocol}: {rows.Length} rows, {names.Length} features; holdout {m.HoldoutRows} rows ({m.HoldoutPositives} yes): " +
            $"AUC {m.Auc:F4}, log-loss {m.LogLoss:F4}, Brier {m.Brier:F4}");
        Assert.Equal(0.5, result.ChampionMetrics.Auc, 9);
        return m;
    }

    private static (string[] Names, Func<Dictionary<string, string>, float[]> Encode) Schema(List<Dictionary<string, string>> records)
    {
        var levels = Categorical.ToDictionary(c => c, c => records.Select(r => r[c]).Distinct().Order(StringComparer.Ordinal).ToArray());
        string[] names = [.. Numeric, .. Binary, .. Categorical.SelectMany(c => levels[c].Select(l => $"{c}={l}"))];
        return (names, r =>
        {
            var f = new List<float>(names.Length);
            f.AddRange(Numeric.Select(c => float.Parse(r[c], System.Globalization.CultureInfo.InvariantCulture)));
            f.AddRange(Binary.Select(c => r[c] == "yes" ? 1f : 0f));
            foreach (var c in Categorical) f.AddRange(levels[c].Select(l => r[c] == l ? 1f : 0f));
            return [.. f];
        });
    }

    /// <summary>A champion that knows nothing but the base rate: the floor a trained model must beat.</summary>
    private sealed class BaseRate(TrainingRow[] rows) : IConversionModel
    {
        private readonly double _rate = rows.Average(r => r.Converted ? 1.0 : 0.0);

        public string Version => "base-rate";

        public double Score(ReadOnlySpan<float> features) => _rate;
    }
}
