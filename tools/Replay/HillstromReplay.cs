using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MarketingActors.Campaigns;
using MarketingActors.Core.Measurement;
using MarketingActors.Measurement;

namespace MarketingActors.Replay;

/// <summary>One customer of the MineThatData e-mail experiment: traits, the randomly assigned arm, and the two-week outcome.</summary>
public sealed record HillstromRow(int Index, string Recency, string History, string Mens, string Womens, string ZipCode, string Newbie, string Channel,
    string Arm, bool Visited, bool Converted, double Spend)
{
    /// <summary>What the customer's logged arm earned net of its send cost ($0.10 an e-mail).</summary>
    public double Net => Spend - HillstromReplay.CostOf(Arm);

    public static List<HillstromRow> Read(string path, int? limit)
    {
        var rows = new List<HillstromRow>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            if (limit is { } l && rows.Count >= l) break;
            // history_segment (column 2) may be quoted with a comma inside ("6) $750 - $1,000"): take the other columns from the ends.
            var all = line.Split(',');
            if (all.Length < 12) throw new FormatException($"hillstrom row {rows.Count + 1}: expected 12 columns, got {all.Length}");
            var f = all[^10..];
            rows.Add(new HillstromRow(rows.Count, all[0], f[0], f[1], f[2], f[3], f[4], f[5],
                HillstromReplay.ArmOf(f[6]), f[7] == "1", f[8] == "1", double.Parse(f[9], CultureInfo.InvariantCulture)));
        }
        return rows;
    }
}

public sealed record PolicyValue(string Policy, long Rows, Interval Conversion, Interval SpendPerCustomer, Interval NetPerCustomer);

/// <summary>
/// The engine's own holdout lift (absolute, conversion per decision) for one scope, computed like
/// for like: its treated and holdout conversions over the decisions whose outcome the replay could
/// reveal (a treated send that matched the logged arm; a held-out customer the experiment sent no
/// e-mail), next to the experiment's lift for the same customers; either is null where a side has
/// no decision (a small slice).
/// </summary>
public sealed record LiftCheck(string Scope, Interval? Engine, Interval? Truth, long TreatedConversions, long HoldoutConversions, long TreatedRevealed, long HoldoutRevealed)
{
    /// <summary>The experiment's Mens E-Mail vs No E-Mail conversion lift over all 64,000 customers: +0.681 pp [0.500, 0.861] (README).</summary>
    public const double PopulationMensLift = 0.00681;

    public bool CoversPopulationLift => Engine is { } e && Estimates.Contains(e, PopulationMensLift);
}

/// <summary>
/// The policy minus a fixed arm on the same rows (paired): with the arms assigned at random
/// (1/3 each), each row contributes 3·r·(1[policy chose its logged arm] − 1[its logged arm is the
/// fixed arm]), so rows where both would have done the same cancel and only the rows where the
/// policy departed from the arm carry the difference and its noise.
/// </summary>
public sealed record PairedDifference(string Arm, Interval Whole, Interval SecondHalf)
{
    public bool SignificantlyNegative => Whole.Upper < 0;
}

/// <summary>
/// The engine's own off-policy estimate of one target (its policy-evaluation report, doubly robust)
/// against what the experiment says the target is worth on the replayed customers: for a fixed arm,
/// that arm's mean net over them (they were randomized to it); for uniform random, the mean over
/// all of them; for the policy, the replay's own value of the engine (its matched treated rows).
/// </summary>
public sealed record OffPolicyCheck(string Target, long Decisions, Interval? DoublyRobust, double EffectiveSampleSize, double Experiment)
{
    public bool Covers => DoublyRobust is { } dr && Estimates.Contains(dr, Experiment);
}

public sealed record HillstromResult(
    int Rows, int Decided, int Matched, int HeldOut, TimeSpan Elapsed,
    Dictionary<string, double> ChoiceShares,
    PolicyValue Engine, PolicyValue EngineLearned, PolicyValue EngineAsDeployed, PolicyValue[] Arms, PolicyValue[] ArmsSecondHalf, PolicyValue Random,
    PairedDifference[] Paired, LiftCheck[] LiftChecks,
    long ReportTreatedDecisions, long ReportHoldoutDecisions, long ReportTreatedConversions, long ReportHoldoutConversions, string CampaignId,
    string Learned, string Policy, Dictionary<string, double> Reasons, int BudgetBlocked)
{
    public string Label { get; init; } = "";

    /// <summary>The contextual policy's evidence per arm as the campaign holds it at the end (the holdout's included).</summary>
    public IReadOnlyList<PolicyArmView> Evidence { get; init; } = [];

    /// <summary>The engine's off-policy report over the revealed decisions, each target against the experiment (see <see cref="OffPolicyCheck"/>).</summary>
    public IReadOnlyList<OffPolicyCheck> OffPolicy { get; init; } = [];

    /// <summary>Decisions whose outcome the replay revealed: the treated ones that matched the logged arm, and every held-out one.</summary>
    public int Revealed { get; init; }

    /// <summary>Rows the engine saw: all but the customers it would hold out whose logged arm was an e-mail (rejected beforehand).</summary>
    public int Shown { get; init; }

    /// <summary>Rows of customers the engine treated (not held out): the rows the policy and the fixed arms are valued and paired on.</summary>
    public int Treated { get; init; }

    /// <summary>Held-out decisions whose outcome the replay revealed (their logged arm was no e-mail): all of them.</summary>
    public int HeldOutRevealed { get; init; }
}

/// <summary>
/// Replays the Hillstrom experiment through the engine. Each customer is identified with their
/// traits and a page view enters them into a one-step journey whose actions are the experiment's
/// arms (mens_email, womens_email at <see cref="SendCost"/> each; no_email, free, the campaign's
/// control option: it sends nothing, as the holdout). The engine's choice is compared with the arm
/// the customer was randomly given (the replay method, Li et al. 2011): only when they match is the
/// logged outcome revealed to the engine (delivery receipt, and a purchase of the logged spend when
/// the customer converted); an unmatched send is reported failed so its budget is released and it
/// is no evidence. A customer the engine will hold out gets no e-mail, which is known before the
/// engine is asked (the holdout draw is a salted hash of the campaign and the customer): when their
/// logged arm is an e-mail the row cannot match and is rejected before the engine sees it, so every
/// held-out customer the engine counts has a revealed outcome. Because arms were assigned at
/// random, the matched rows are an unbiased sample of what the engine's policy would have produced.
/// </summary>
public static class HillstromReplay
{
    public const decimal SendCost = 0.10m;
    public const string Mens = "mens_email", Womens = "womens_email", None = "no_email";
    public static readonly string[] ArmIds = [Mens, Womens, None];

    public static string ArmOf(string segment) => segment switch
    {
        "Mens E-Mail" => Mens,
        "Womens E-Mail" => Womens,
        "No E-Mail" => None,
        _ => throw new FormatException($"unknown segment '{segment}'"),
    };

    public static double CostOf(string arm) => arm == None ? 0 : (double)SendCost;

    /// <summary>One row's term of a paired difference (see <see cref="PairedDifference"/>): a policy that chose <paramref name="chosen"/> minus always <paramref name="arm"/>.</summary>
    public static double PairedTerm(HillstromRow row, string? chosen, string arm) =>
        ArmIds.Length * row.Net * ((chosen == row.Arm ? 1 : 0) - (row.Arm == arm ? 1 : 0));

    private sealed record Outcome(HillstromRow Row, int Position, string? Choice, bool HeldOut, string? Effective, string? Reason = null);

    /// <summary>
    /// What the contextual policy sees of a Hillstrom customer besides the behavioural features:
    /// every trait the file has, the numeric ones cut at round numbers (recency in quarters of a
    /// year, last year's spend at $100 / $250 / $500 / $1,000). Written down without looking at
    /// any outcome, so no setting of the reported runs was chosen on the file.
    /// </summary>
    public const string ContextualPolicy = """{"kind":"contextual","context":[{"trait":"recency","buckets":[3,6,9]},{"trait":"history","buckets":[100,250,500,1000]},{"trait":"mens"},{"trait":"womens"},{"trait":"zip_code"},{"trait":"newbie"},{"trait":"channel"}]}""";

    /// <summary>The engine's other ranking (per-variant Thompson sampling, no segments), for comparison.</summary>
    public const string SegmentThompsonPolicy = """{"kind":"segment_thompson"}""";

    /// <param name="rows">In replay order (see <see cref="Order"/>).</param>
    /// <param name="policy">The campaign's decision policy (JSON).</param>
    /// <param name="holdoutSalt">The engine's holdout salt (<c>MarketingActors:Measurement:Salt</c>), to know who it will hold out.</param>
    public static async Task<HillstromResult> Run(Engine engine, IReadOnlyList<HillstromRow> rows, int holdoutPercent = 30, string policy = ContextualPolicy,
        int batchCustomers = 400, int parallel = 4, TextWriter? log = null, string? holdoutSalt = null)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var campaign = $"hillstrom-{tag}";
        var position = new Dictionary<int, int>(rows.Count);
        for (var i = 0; i < rows.Count; i++) position[rows[i].Index] = i;
        var salt = holdoutSalt ?? new MeasurementOptions().Salt;
        bool HeldOut(HillstromRow r) => HoldoutDraw.Bucket(salt, $"hs-{tag}-{r.Index}", campaign) < holdoutPercent / 100.0;
        var shown = rows.Where(r => r.Arm == None || !HeldOut(r)).ToList();
        // The engine's default conversion value: the policy learns from the revealed spend; nothing here is taken from the file.
        await engine.CreateActiveCampaign($$$"""
            {"id":"{{{campaign}}}","name":"Hillstrom replay {{{tag}}}","holdoutPercent":{{{holdoutPercent}}},
             "actions":[{"id":"{{{Mens}}}","channel":"email","variant":"mens","cost":{{{SendCost.ToString(CultureInfo.InvariantCulture)}}}},
                        {"id":"{{{Womens}}}","channel":"email","variant":"womens","cost":{{{SendCost.ToString(CultureInfo.InvariantCulture)}}}},
                        {"id":"{{{None}}}","channel":"web","variant":"no e-mail (control arm)","cost":0,"control":true}],
             "journey":{"entryTrigger":"page_view","steps":[{"id":"choose","kind":"action"}]},
             "budget":{"total":100000,"currency":"USD"},"policy":{{{policy}}}}
            """, campaign);

        var clock = Stopwatch.StartNew();
        var outcomes = new ConcurrentBag<Outcome>();
        var done = 0;
        var budgetBlocked = 0;
        await Parallel.ForEachAsync(shown.Chunk(batchCustomers), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (chunk, _) =>
        {
            var at = DateTimeOffset.UtcNow;
            var entry = new List<string>(chunk.Length * 2);
            foreach (var r in chunk)
            {
                var c = $"hs-{tag}-{r.Index}";
                entry.Add($$$"""{"eventId":"{{{c}}}-id","customerId":"{{{c}}}","type":"identify","timestamp":"{{{at:O}}}","traits":{"consent.email":"true","timezone":"UTC","recency":"{{{r.Recency}}}","history":"{{{r.History}}}","mens":"{{{r.Mens}}}","womens":"{{{r.Womens}}}","zip_code":{{{Engine.J(r.ZipCode)}}},"newbie":"{{{r.Newbie}}}","channel":{{{Engine.J(r.Channel)}}}}}""");
                entry.Add($$"""{"eventId":"{{c}}-pv","customerId":"{{c}}","type":"page_view","timestamp":"{{at.AddMilliseconds(1):O}}"}""");
            }
            var results = await engine.PostEvents(entry, explain: true);
            var feedback = new List<string>();
            for (var i = 0; i < chunk.Length; i++)
            {
                var r = chunk[i];
                var decision = results[2 * i + 1].GetProperty("decisions").EnumerateArray()
                    .Where(d => d.GetProperty("campaignId").GetString() == campaign).Select(d => (JsonElement?)d).FirstOrDefault();
                if (decision is not { } d)
                {
                    outcomes.Add(new Outcome(r, position[r.Index], null, false, null));
                    continue;
                }
                if (d.GetProperty("candidates").EnumerateArray().Any(c => c.TryGetProperty("reasons", out var rs) && rs.EnumerateArray().Any(x => x.GetString() == "budget_exhausted")))
                    Interlocked.Increment(ref budgetBlocked);
                var sent = d.TryGetProperty("action", out var a) ? a.GetProperty("actionId").GetString() : null;
                var would = d.TryGetProperty("wouldHaveSent", out var w) ? w.GetProperty("actionId").GetString() : null;
                var heldOut = sent is null && would is not null;
                var choice = sent ?? would;
                var effective = heldOut ? None : sent;
                outcomes.Add(new Outcome(r, position[r.Index], choice, heldOut, effective, d.GetProperty("reason").GetString()));
                var c = $"hs-{tag}-{r.Index}";
                var id = d.GetProperty("decisionId").GetString();
                var matched = effective == r.Arm;
                if (sent is not null)
                    feedback.Add($$"""{"eventId":"{{c}}-dl","customerId":"{{c}}","type":"{{(matched ? "action_delivered" : "action_failed")}}","decisionId":"{{id}}","timestamp":"{{at.AddMilliseconds(2):O}}"}""");
                if (matched && r.Converted)
                    feedback.Add($$"""{"eventId":"{{c}}-buy","customerId":"{{c}}","type":"purchase","decisionId":"{{id}}","campaignId":"{{campaign}}","value":{{r.Spend.ToString(CultureInfo.InvariantCulture)}},"timestamp":"{{at.AddMilliseconds(3):O}}"}""");
                // A visit (the file's: the customer came to the site within two weeks) is the engagement the policy learns from beside
                // conversions. Posted after the purchase: on an engine where other campaigns decide on product views, the decisions it
                // triggers could push this one out of the customer's recent decisions before its purchase is attributed. A conversion
                // is an engagement, so a buyer's decision is engaged either way.
                if (matched && r.Visited)
                    feedback.Add($$"""{"eventId":"{{c}}-visit","customerId":"{{c}}","type":"product_view","decisionId":"{{id}}","campaignId":"{{campaign}}","timestamp":"{{at.AddMilliseconds(4):O}}"}""");
            }
            foreach (var part in feedback.Chunk(1000)) await engine.PostEvents(part);
            var total = Interlocked.Add(ref done, chunk.Length);
            if (log is not null && total % 10_000 < chunk.Length) log.WriteLine($"  {total} customers replayed ({clock.Elapsed.TotalSeconds:0.0} s)");
        });
        var list = outcomes.ToList();
        var decided = list.Count(o => o.Choice is not null);
        var report = await Eventually(engine, $"/v1/campaigns/{campaign}/report", r => Reported(r) >= decided);
        // The off-policy sums count a treated decision at its delivery and a held-out one when decided: the revealed ones.
        var revealed = list.Count(o => o.HeldOut || o.Choice == o.Row.Arm);
        var evaluation = await Eventually(engine, $"/v1/campaigns/{campaign}/policy-evaluation", e => Evaluated(e) >= revealed);
        clock.Stop();
        var state = await engine.Send(HttpMethod.Get, $"/v1/campaigns/{campaign}/state");
        // Done: a campaign left active would decide for the next run's customers on the same engine.
        await engine.Send(HttpMethod.Post, $"/v1/campaigns/{campaign}/complete");

        // The policy and the fixed arms are valued on the customers the engine treated, where every arm was logged a third of the
        // time; the held-out customers it saw were all logged without e-mail (the others were rejected before it saw them).
        var treated = list.Where(o => !o.HeldOut).ToList();
        var secondHalf = treated.Where(o => o.Position >= rows.Count / 2).ToList();
        var checks = new List<LiftCheck>();
        foreach (var arm in new[] { Mens, Womens })
        {
            var scope = report.GetProperty("actions").EnumerateArray().FirstOrDefault(c => c.GetProperty("scope").GetString() == arm);
            checks.Add(Check(arm, scope, list.Where(o => o.Choice == arm).ToList()));
        }
        var overall = report.GetProperty("overall");
        var learned = string.Join(", ", state.GetProperty("variants").EnumerateArray().Select(v =>
            $"{v.GetProperty("actionId").GetString()} {v.GetProperty("conversions").GetInt64()}/{v.GetProperty("deliveries").GetInt64()}"));
        var engineValue = Value("engine policy (its ranking choice, treated customers)", treated, o => o.Choice);
        double Experiment(string target) => target switch
        {
            PolicyEvaluations.Policy => engineValue.NetPerCustomer.Estimate,
            PolicyEvaluations.Uniform => rows.Average(r => r.Net),
            _ => rows.Where(r => PolicyEvaluations.ActionPrefix + r.Arm == target).Average(r => r.Net),
        };
        var offPolicy = evaluation.GetProperty("estimates").EnumerateArray().Select(e => new OffPolicyCheck(
            e.GetProperty("target").GetString()!, e.GetProperty("decisions").GetInt64(),
            e.TryGetProperty("doublyRobust", out var dr) && dr.ValueKind == JsonValueKind.Object ? dr.Deserialize<Interval>(Json) : null,
            e.GetProperty("effectiveSampleSize").GetDouble(), Experiment(e.GetProperty("target").GetString()!))).ToArray();
        return new HillstromResult(rows.Count, decided, list.Count(o => o.Choice == o.Row.Arm), list.Count(o => o.HeldOut), clock.Elapsed,
            ArmIds.ToDictionary(a => a, a => decided == 0 ? 0 : list.Count(o => o.Choice == a) / (double)decided),
            engineValue,
            Value("engine policy, second half of the replay (learned)", secondHalf, o => o.Choice),
            Value($"engine as deployed ({holdoutPercent}% holdout get no e-mail)", list, o => o.Effective),
            [.. ArmIds.Select(arm => Value(arm, treated, _ => arm))],
            [.. ArmIds.Select(arm => Value(arm + ", second half", secondHalf, _ => arm))],
            new PolicyValue("random (uniform over the 3 arms)", rows.Count,
                Estimates.Mean([.. rows.Select(r => r.Converted ? 1.0 : 0.0)]),
                Estimates.Mean([.. rows.Select(r => r.Spend)]),
                Estimates.Mean([.. rows.Select(r => r.Net)])),
            [.. ArmIds.Select(arm => new PairedDifference(arm, Paired(treated, arm), Paired(secondHalf, arm)))],
            [.. checks],
            overall.GetProperty("treated").GetProperty("decisions").GetInt64(), overall.GetProperty("holdout").GetProperty("decisions").GetInt64(),
            overall.GetProperty("treated").GetProperty("conversions").GetInt64(), overall.GetProperty("holdout").GetProperty("conversions").GetInt64(),
            campaign, learned, policy,
            list.Where(o => o.Reason is not null).GroupBy(o => o.Reason!).ToDictionary(g => g.Key, g => g.Count() / (double)Math.Max(decided, 1)),
            budgetBlocked)
        {
            Shown = shown.Count, Treated = treated.Count, HeldOutRevealed = list.Count(o => o.HeldOut && o.Row.Arm == None),
            Evidence = state.GetProperty("policyArms").Deserialize<PolicyArmView[]>(Json)!,
            OffPolicy = offPolicy, Revealed = revealed,
        };
    }

    private static PolicyValue Value(string name, IEnumerable<Outcome> outcomes, Func<Outcome, string?> arm)
    {
        var matched = outcomes.Where(o => arm(o) is { } a && a == o.Row.Arm).ToList();
        return new PolicyValue(name, matched.Count,
            Estimates.Mean([.. matched.Select(o => o.Row.Converted ? 1.0 : 0.0)]),
            Estimates.Mean([.. matched.Select(o => o.Row.Spend)]),
            Estimates.Mean([.. matched.Select(o => o.Row.Net)]));
    }

    /// <summary>See <see cref="PairedDifference"/>: the per-row terms' mean and its normal 95% interval.</summary>
    private static Interval Paired(IReadOnlyCollection<Outcome> rows, string arm) =>
        Estimates.Mean([.. rows.Select(o => PairedTerm(o.Row, o.Choice, arm))]);

    /// <summary>Replay order: the file's order shuffled by <paramref name="seed"/> (online learning depends on it).</summary>
    public static List<HillstromRow> Shuffle(IReadOnlyList<HillstromRow> rows, int seed)
    {
        var shuffled = rows.ToArray();
        new Random(seed).Shuffle(shuffled);
        return [.. shuffled];
    }

    /// <summary>The two orders of a seed: its shuffle, and the same shuffle reversed (so across the pair each row is in a second half once).</summary>
    public static List<HillstromRow> Order(IReadOnlyList<HillstromRow> rows, int seed, bool reversed) => InOrder(Shuffle(rows, seed), reversed);

    /// <summary>The rows as given, or the same rows reversed.</summary>
    public static List<HillstromRow> InOrder(List<HillstromRow> rows, bool reversed) => reversed ? [.. Enumerable.Reverse(rows)] : rows;

    /// <summary>
    /// Cross-fitting for a warm start: the seed's shuffle cut into two folds, each replayed with the
    /// other fold's experiment as the campaign's prior test, so no reported row's outcome is in the
    /// evidence the policy starts from. Across the pair every row is replayed once.
    /// </summary>
    public static IEnumerable<(string Label, List<HillstromRow> Replayed, List<HillstromRow> Prior)> CrossFitFolds(IReadOnlyList<HillstromRow> rows, int seed)
    {
        var shuffled = Shuffle(rows, seed);
        var half = shuffled.Count / 2;
        yield return ("fold 2, prior fold 1", shuffled[half..], shuffled[..half]);
        yield return ("fold 1, prior fold 2", shuffled[..half], shuffled[half..]);
    }

    /// <summary>The prior test a marketer would write from these rows' experiment: per arm, its customers, those who bought, and what they spent.</summary>
    public static PriorTest PriorTestOf(IEnumerable<HillstromRow> rows, string source) => new()
    {
        Source = source,
        Arms = [.. rows.GroupBy(r => r.Arm).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new PriorTestArm
        {
            ActionId = g.Key, Trials = g.Count(), Engagements = g.Count(r => r.Visited), Conversions = g.Count(r => r.Converted), Revenue = Math.Round((decimal)g.Sum(r => r.Spend), 2),
        })],
    };

    /// <summary>A decision policy (JSON object) with a <c>priorTest</c> added.</summary>
    public static string WithPriorTest(string policy, PriorTest test) => $"{policy[..policy.LastIndexOf('}')]},\"priorTest\":{JsonSerializer.Serialize(test, Json)}}}";

    /// <summary>Like for like: the engine's conversions for the arm over the decisions the replay revealed, against the experiment on the same customers.</summary>
    private static LiftCheck Check(string arm, JsonElement scope, IReadOnlyList<Outcome> chosen)
    {
        var treatedRevealed = chosen.Count(o => !o.HeldOut && o.Row.Arm == arm);
        var holdoutRevealed = chosen.Count(o => o.HeldOut && o.Row.Arm == None);
        var sent = chosen.Where(o => o.Row.Arm == arm).ToList();
        var none = chosen.Where(o => o.Row.Arm == None).ToList();
        var truth = LiftStatistics.AbsoluteLift(sent.Count(o => o.Row.Converted), sent.Count, none.Count(o => o.Row.Converted), none.Count);
        if (scope.ValueKind != JsonValueKind.Object) return new LiftCheck(arm, null, truth, 0, 0, treatedRevealed, holdoutRevealed);
        var treated = scope.GetProperty("treated").GetProperty("conversions").GetInt64();
        var held = scope.GetProperty("holdout").GetProperty("conversions").GetInt64();
        return new LiftCheck(arm, LiftStatistics.AbsoluteLift(treated, treatedRevealed, held, holdoutRevealed), truth, treated, held, treatedRevealed, holdoutRevealed);
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>GETs <paramref name="path"/> until <paramref name="done"/> holds (silos report every second), for at most a minute.</summary>
    private static async Task<JsonElement> Eventually(Engine engine, string path, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var answer = await engine.Send(HttpMethod.Get, path);
            if (done(answer) || DateTime.UtcNow > deadline) return answer;
            await Task.Delay(250);
        }
    }

    /// <summary>Decisions in a campaign report, treated and held out.</summary>
    private static long Reported(JsonElement report) =>
        report.GetProperty("overall").GetProperty("treated").GetProperty("decisions").GetInt64() + report.GetProperty("overall").GetProperty("holdout").GetProperty("decisions").GetInt64();

    /// <summary>Decisions in a campaign's off-policy sums (its policy's target counts every one).</summary>
    private static long Evaluated(JsonElement evaluation) =>
        evaluation.GetProperty("estimates").EnumerateArray().Where(e => e.GetProperty("target").GetString() == PolicyEvaluations.Policy)
            .Select(e => e.GetProperty("decisions").GetInt64()).FirstOrDefault();

    public static void Print(HillstromResult r, TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine($"Hillstrom replay {r.Label}: {r.Rows} customers, {r.Shown} shown to the engine ({r.Rows - r.Shown} it would hold out were logged with an e-mail: rejected beforehand), in {r.Elapsed.TotalSeconds.ToString("0.0", inv)} s; {r.Decided} decisions, {r.Matched} matched the logged arm ({(r.Decided == 0 ? 0 : 100.0 * r.Matched / r.Decided).ToString("0.0", inv)}%), {r.HeldOut} held out. Campaign {r.CampaignId}.");
        o.WriteLine("Engine choice shares: " + string.Join(", ", r.ChoiceShares.Select(kv => $"{kv.Key} {(100 * kv.Value).ToString("0.0", inv)}%")));
        o.WriteLine("Decision reasons: " + string.Join(", ", r.Reasons.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {(100 * kv.Value).ToString("0.0", inv)}%")));
        o.WriteLine("Variant evidence the engine learned (conversions/deliveries): " + r.Learned);
        o.WriteLine("Policy evidence per arm (trials / engaged / converted): " + string.Join(", ", r.Evidence.Select(e => $"{e.ArmId} {e.Trials} / {e.Engagements} / {e.Conversions}")));
        o.WriteLine($"Decisions where a candidate was blocked by the budget check: {r.BudgetBlocked}");
        o.WriteLine();
        o.WriteLine($"| policy | rows used | conversion [95% CI] | spend / customer [95% CI] | net of ${SendCost.ToString(inv)}/send [95% CI] |");
        o.WriteLine("| --- | --- | --- | --- | --- |");
        foreach (var p in new[] { r.Engine, r.EngineLearned, r.EngineAsDeployed }.Concat(r.Arms).Concat(r.ArmsSecondHalf).Append(r.Random))
            o.WriteLine($"| {p.Policy} | {p.Rows} | {Estimates.Show(Scale(p.Conversion, 100), "0.000")}% | ${Estimates.Show(p.SpendPerCustomer, "0.000")} | ${Estimates.Show(p.NetPerCustomer, "0.000")} |");
        o.WriteLine();
        o.WriteLine("Engine minus each fixed arm, paired on the same rows (net per customer [95% CI]): " + string.Join("; ", r.Paired.Select(d =>
            $"{d.Arm} {Estimates.Show(d.Whole, "0.000")} (second half {Estimates.Show(d.SecondHalf, "0.000")})")));
        o.WriteLine($"Engine's own holdout measurement (report: treated {r.ReportTreatedDecisions} decisions / {r.ReportTreatedConversions} conversions, holdout {r.ReportHoldoutDecisions} / {r.ReportHoldoutConversions}), like for like over revealed decisions:");
        o.WriteLine("| action | engine absolute lift [95% CI] | conversions treated / holdout | revealed decisions treated / holdout | experiment, same customers [95% CI] | covers the population's +0.681 pp |");
        o.WriteLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var c in r.LiftChecks)
            o.WriteLine($"| {c.Scope} | {(c.Engine is { } e ? Estimates.Show(Scale(e, 100), "0.000") + " pp" : "n/a")} | {c.TreatedConversions} / {c.HoldoutConversions} | {c.TreatedRevealed} / {c.HoldoutRevealed} | {(c.Truth is { } t ? Estimates.Show(Scale(t, 100), "0.000") + " pp" : "n/a")} | {(c.CoversPopulationLift ? "yes" : "no")} |");
        o.WriteLine("Engine's off-policy report (GET /v1/campaigns/{id}/policy-evaluation, doubly robust) against the experiment on the replayed customers:");
        o.WriteLine("| target | decisions | engine, doubly robust [95% CI] | effective sample size | experiment | covered |");
        o.WriteLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var c in r.OffPolicy)
            o.WriteLine($"| {c.Target} | {c.Decisions} | {(c.DoublyRobust is { } dr ? "$" + Estimates.Show(dr, "0.000") : "n/a")} | {c.EffectiveSampleSize.ToString("0", inv)} | ${c.Experiment.ToString("0.000", inv)} | {(c.Covers ? "yes" : "no")} |");
    }

    /// <summary>Every run, then the mean over runs with a t-interval and the spread, then the summary as JSON (the last line).</summary>
    public static void PrintRuns(IReadOnlyList<HillstromResult> runs, TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        string F(double x) => x.ToString("0.000", inv);
        o.WriteLine();
        o.WriteLine($"## {runs.Count} runs");
        o.WriteLine("| run | engine net | mens net (same run) | engine − mens, paired [95% CI] | engine net, 2nd half | mens net, 2nd half | engine − mens 2nd half, paired | mens lift covers +0.681 pp |");
        o.WriteLine("|---|---:|---:|---|---:|---:|---|---|");
        foreach (var r in runs)
        {
            var mens = r.Paired.Single(d => d.Arm == Mens);
            o.WriteLine($"| {r.Label} | {F(r.Engine.NetPerCustomer.Estimate)} | {F(r.Arms[0].NetPerCustomer.Estimate)} | {Estimates.Show(mens.Whole, "0.000")} | {F(r.EngineLearned.NetPerCustomer.Estimate)} | {F(r.ArmsSecondHalf[0].NetPerCustomer.Estimate)} | {Estimates.Show(mens.SecondHalf, "0.000")} | {(MensLiftCovered(r) ? "yes" : "no")} |");
        }
        var summary = Summary(runs);
        o.WriteLine();
        foreach (var (name, figure) in summary.Figures) o.WriteLine($"{name}: mean {F(figure.Mean)} [{F(figure.Lower)}, {F(figure.Upper)}], range {F(figure.Min)}–{F(figure.Max)}");
        o.WriteLine($"runs whose paired difference against mens_email is significantly negative: {summary.SignificantlyWorseThanMens}/{runs.Count}");
        o.WriteLine($"runs whose mens_email holdout lift covers the experiment's +0.681 pp: {summary.MensLiftCovered}/{runs.Count}");
        o.WriteLine("runs whose off-policy estimate (doubly robust) covers the experiment's value: " +
            string.Join(", ", summary.OffPolicyCovered.Select(kv => $"{kv.Key} {kv.Value}/{runs.Count}")));
        o.WriteLine(JsonSerializer.Serialize(summary, Json));
    }

    private static bool MensLiftCovered(HillstromResult r) =>
        r.LiftChecks.Single(c => c.Scope == Mens).CoversPopulationLift;

    public sealed record Figure(double Mean, double Lower, double Upper, double Min, double Max, double[] Runs);

    public sealed record ReplaySummary(int Runs, string Policy, Dictionary<string, Figure> Figures, int SignificantlyWorseThanMens, int MensLiftCovered, string[] Labels)
    {
        /// <summary>Per off-policy target, the runs whose doubly robust interval covers the experiment's value.</summary>
        public Dictionary<string, int> OffPolicyCovered { get; init; } = [];
    }

    public static ReplaySummary Summary(IReadOnlyList<HillstromResult> runs)
    {
        Figure Over(Func<HillstromResult, double> of)
        {
            var v = runs.Select(of).ToArray();
            var mean = v.Average();
            var sd = v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)) : 0;
            var half = v.Length > 1 ? StudentT975(v.Length - 1) * sd / Math.Sqrt(v.Length) : 0;
            return new Figure(mean, mean - half, mean + half, v.Min(), v.Max(), v);
        }
        var figures = new Dictionary<string, Figure>
        {
            ["engine net per customer"] = Over(r => r.Engine.NetPerCustomer.Estimate),
            ["engine net per customer, second half"] = Over(r => r.EngineLearned.NetPerCustomer.Estimate),
            ["mens_email net per customer, same rows"] = Over(r => r.Arms[0].NetPerCustomer.Estimate),
            ["mens_email net per customer, second half"] = Over(r => r.ArmsSecondHalf[0].NetPerCustomer.Estimate),
            ["engine minus mens_email, paired"] = Over(r => r.Paired.Single(d => d.Arm == Mens).Whole.Estimate),
            ["engine minus mens_email, paired, second half"] = Over(r => r.Paired.Single(d => d.Arm == Mens).SecondHalf.Estimate),
            ["mens_email share of choices"] = Over(r => r.ChoiceShares[Mens]),
        };
        return new ReplaySummary(runs.Count, runs[0].Policy, figures, runs.Count(r => r.Paired.Single(d => d.Arm == Mens).SignificantlyNegative),
            runs.Count(MensLiftCovered), [.. runs.Select(r => r.Label)])
        {
            OffPolicyCovered = runs.SelectMany(r => r.OffPolicy).GroupBy(c => c.Target).ToDictionary(g => g.Key, g => g.Count(c => c.Covers)),
        };
    }

    /// <summary>The 97.5% quantile of Student's t (two-sided 95%), tabulated to 30 degrees of freedom, normal beyond.</summary>
    private static double StudentT975(int df) => df switch
    {
        1 => 12.706, 2 => 4.303, 3 => 3.182, 4 => 2.776, 5 => 2.571, 6 => 2.447, 7 => 2.365, 8 => 2.306, 9 => 2.262, 10 => 2.228,
        <= 15 => 2.131, <= 20 => 2.086, <= 30 => 2.042, _ => LiftStatistics.Z95,
    };

    private static Interval Scale(Interval i, double f) => LiftStatistics.Scale(i, f);
}
