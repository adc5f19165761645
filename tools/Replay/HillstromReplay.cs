using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MarketingActors.Core.Measurement;
using MarketingActors.Measurement;

namespace MarketingActors.Replay;

/// <summary>One customer of the MineThatData e-mail experiment: traits, the randomly assigned arm, and the two-week outcome.</summary>
public sealed record HillstromRow(int Index, string Recency, string History, string Mens, string Womens, string ZipCode, string Newbie, string Channel,
    string Arm, bool Converted, double Spend)
{
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
                HillstromReplay.ArmOf(f[6]), f[8] == "1", double.Parse(f[9], CultureInfo.InvariantCulture)));
        }
        return rows;
    }
}

public sealed record PolicyValue(string Policy, long Rows, Interval Conversion, Interval SpendPerCustomer, Interval NetPerCustomer);

/// <summary>
/// The engine's own holdout lift for one scope (an e-mail arm, or the e-mail channel) next to the
/// experiment's lift for the same customers; either is null where a side has no conversion (a small slice).
/// </summary>
public sealed record LiftCheck(string Scope, Interval? Engine, Interval? Truth, long TreatedConversions, long HoldoutConversions)
{
    public bool Inside => Engine is { } e && Truth is { } t && Estimates.Contains(t, e.Estimate);
}

public sealed record HillstromResult(
    int Rows, int Decided, int Matched, int HeldOut, TimeSpan Elapsed,
    Dictionary<string, double> ChoiceShares,
    PolicyValue Engine, PolicyValue EngineLearned, PolicyValue EngineAsDeployed, PolicyValue[] Arms, PolicyValue Random,
    LiftCheck[] LiftChecks,
    long ReportTreatedDecisions, long ReportHoldoutDecisions, long ReportTreatedConversions, long ReportHoldoutConversions, string CampaignId,
    string Learned, int Segments, double MeanLikelihood, int BudgetBlocked);

/// <summary>
/// Replays the Hillstrom experiment through the engine. Each customer is identified with their
/// traits and a page view enters them into a one-step journey whose actions are the experiment's
/// arms (mens_email, womens_email at <see cref="SendCost"/> each; no_email, free). The engine's
/// choice is compared with the arm the customer was randomly given (the replay method, Li et al.
/// 2011): only when they match is the logged outcome revealed to the engine (delivery receipt,
/// and a purchase of the logged spend when the customer converted); an unmatched send is reported
/// failed so its budget is released and it is no evidence. Because arms were assigned at random,
/// the matched rows are an unbiased sample of what the engine's policy would have produced.
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

    private static double CostOf(string arm) => arm == None ? 0 : (double)SendCost;

    private sealed record Outcome(HillstromRow Row, int Position, string? Choice, bool HeldOut, string? Effective, double Likelihood = 0);

    /// <summary>
    /// The segments the replay's campaign learns on: past buyers of mens / womens lines × last
    /// year's spend (&lt;$100, $100–500, ≥$500), 12 segments at most. Chosen offline on a
    /// split-half of the file (docs/roi.md): the only traits whose best arm differs by segment
    /// out of sample. The engine still learns every segment's posteriors online from the replay.
    /// </summary>
    public const string DefaultSegments = """{"dimensions":[{"trait":"mens"},{"trait":"womens"},{"trait":"history","buckets":[100,500]}],"shrinkage":1500}""";

    /// <param name="rows">In replay order (see <see cref="Shuffle"/>).</param>
    /// <param name="segments">The campaign's segment definition (JSON), or null for campaign-wide learning only.</param>
    public static async Task<HillstromResult> Run(Engine engine, IReadOnlyList<HillstromRow> rows, int holdoutPercent = 30, string? segments = DefaultSegments,
        int batchCustomers = 400, int parallel = 4, TextWriter? log = null)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var campaign = $"hillstrom-{tag}";
        var position = new Dictionary<int, int>(rows.Count);
        for (var i = 0; i < rows.Count; i++) position[rows[i].Index] = i;
        // Conversion value ≈ average order of a converting Hillstrom customer (~$115), rounded.
        await engine.CreateActiveCampaign($$$"""
            {"id":"{{{campaign}}}","name":"Hillstrom replay {{{tag}}}","conversionValue":100,"holdoutPercent":{{{holdoutPercent}}},
             "actions":[{"id":"{{{Mens}}}","channel":"email","variant":"mens","cost":{{{SendCost.ToString(CultureInfo.InvariantCulture)}}}},
                        {"id":"{{{Womens}}}","channel":"email","variant":"womens","cost":{{{SendCost.ToString(CultureInfo.InvariantCulture)}}}},
                        {"id":"{{{None}}}","channel":"web","variant":"no e-mail (control arm)","cost":0}],
             "journey":{"entryTrigger":"page_view","steps":[{"id":"choose","kind":"action"}]},
             "budget":{"total":100000,"currency":"USD"}{{{(segments is null ? "" : ",\"segments\":" + segments)}}}}
            """, campaign);

        var clock = Stopwatch.StartNew();
        var outcomes = new ConcurrentBag<Outcome>();
        var done = 0;
        var budgetBlocked = 0;
        await Parallel.ForEachAsync(rows.Chunk(batchCustomers), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (chunk, _) =>
        {
            var at = DateTimeOffset.UtcNow;
            var entry = new List<string>(chunk.Length * 2);
            foreach (var r in chunk)
            {
                var c = $"hs-{tag}-{r.Index}";
                entry.Add($$$"""{"eventId":"{{{c}}}-id","customerId":"{{{c}}}","type":"identify","timestamp":"{{{at:O}}}","traits":{"consent.email":"true","timezone":"UTC","recency":"{{{r.Recency}}}","history":"{{{r.History}}}","mens":"{{{r.Mens}}}","womens":"{{{r.Womens}}}","zip_code":{{{Engine.J(r.ZipCode)}}},"newbie":"{{{r.Newbie}}}","channel":{{{Engine.J(r.Channel)}}}}}""");
                entry.Add($$"""{"eventId":"{{c}}-pv","customerId":"{{c}}","type":"page_view","timestamp":"{{at.AddMilliseconds(1):O}}"}""");
            }
            var results = await engine.PostEvents(entry);
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
                outcomes.Add(new Outcome(r, position[r.Index], choice, heldOut, effective, d.GetProperty("scores").GetProperty("conversionLikelihood").GetDouble()));
                var c = $"hs-{tag}-{r.Index}";
                var id = d.GetProperty("decisionId").GetString();
                var matched = effective == r.Arm;
                if (sent is not null)
                    feedback.Add($$"""{"eventId":"{{c}}-dl","customerId":"{{c}}","type":"{{(matched ? "action_delivered" : "action_failed")}}","decisionId":"{{id}}","timestamp":"{{at.AddMilliseconds(2):O}}"}""");
                if (matched && r.Converted)
                    feedback.Add($$"""{"eventId":"{{c}}-buy","customerId":"{{c}}","type":"purchase","decisionId":"{{id}}","campaignId":"{{campaign}}","value":{{r.Spend.ToString(CultureInfo.InvariantCulture)}},"timestamp":"{{at.AddMilliseconds(3):O}}"}""");
            }
            foreach (var part in feedback.Chunk(1000)) await engine.PostEvents(part);
            var total = Interlocked.Add(ref done, chunk.Length);
            if (log is not null && total % 10_000 < chunk.Length) log.WriteLine($"  {total} customers replayed ({clock.Elapsed.TotalSeconds:0.0} s)");
        });
        var list = outcomes.ToList();
        var decided = list.Count(o => o.Choice is not null);
        var report = await Eventually(engine, campaign, decided);
        clock.Stop();

        PolicyValue Value(string name, IEnumerable<Outcome> outcomes, Func<Outcome, string?> arm)
        {
            var matched = outcomes.Where(o => arm(o) is { } a && a == o.Row.Arm).ToList();
            return new PolicyValue(name, matched.Count,
                Estimates.Mean([.. matched.Select(o => o.Row.Converted ? 1.0 : 0.0)]),
                Estimates.Mean([.. matched.Select(o => o.Row.Spend)]),
                Estimates.Mean([.. matched.Select(o => o.Row.Spend - CostOf(o.Row.Arm))]));
        }

        var arms = ArmIds.Select(arm => Value(arm, list, _ => arm)).ToArray();
        var random = new PolicyValue("random (uniform over the 3 arms)", rows.Count,
            Estimates.Mean([.. rows.Select(r => r.Converted ? 1.0 : 0.0)]),
            Estimates.Mean([.. rows.Select(r => r.Spend)]),
            Estimates.Mean([.. rows.Select(r => r.Spend - CostOf(r.Arm))]));

        // Like with like: the engine's lift for customers it chose an e-mail for, against the
        // experiment's lift for the same customers (all rows whose engine choice was that e-mail:
        // logged e-mail vs logged No E-Mail, treated and held out alike).
        var checks = new List<LiftCheck>();
        foreach (var arm in new[] { Mens, Womens })
        {
            var scope = report.GetProperty("actions").EnumerateArray().FirstOrDefault(c => c.GetProperty("scope").GetString() == arm);
            checks.Add(Check(arm, scope, list.Where(o => o.Choice == arm)));
        }
        var email = report.GetProperty("channels").EnumerateArray().FirstOrDefault(c => c.GetProperty("scope").GetString() == "email");
        checks.Add(Check("email (both arms)", email, list.Where(o => o.Choice is Mens or Womens)));
        var overall = report.GetProperty("overall");
        var state = await engine.Send(HttpMethod.Get, $"/v1/campaigns/{campaign}/state");
        var learned = string.Join(", ", state.GetProperty("variants").EnumerateArray().Select(v =>
            $"{v.GetProperty("actionId").GetString()} {v.GetProperty("conversions").GetInt64()}/{v.GetProperty("deliveries").GetInt64()}"));
        var secondHalf = list.Where(o => o.Position >= rows.Count / 2).ToList();
        return new HillstromResult(rows.Count, decided, list.Count(o => o.Choice == o.Row.Arm), list.Count(o => o.HeldOut), clock.Elapsed,
            ArmIds.ToDictionary(a => a, a => decided == 0 ? 0 : list.Count(o => o.Choice == a) / (double)decided),
            Value("engine policy (its ranking choice)", list, o => o.Choice),
            Value("engine policy, second half of the replay (learned)", secondHalf, o => o.Choice),
            Value($"engine as deployed ({holdoutPercent}% holdout get no e-mail)", list, o => o.Effective),
            arms, random, [.. checks],
            overall.GetProperty("treated").GetProperty("decisions").GetInt64(), overall.GetProperty("holdout").GetProperty("decisions").GetInt64(),
            overall.GetProperty("treated").GetProperty("conversions").GetInt64(), overall.GetProperty("holdout").GetProperty("conversions").GetInt64(),
            campaign, learned, state.GetProperty("segments").GetArrayLength(), decided == 0 ? 0 : list.Where(o => o.Choice is not null).Average(o => o.Likelihood), budgetBlocked);
    }

    /// <summary>Replay order: the file's order shuffled by <paramref name="seed"/> (online learning depends on it).</summary>
    public static List<HillstromRow> Shuffle(IReadOnlyList<HillstromRow> rows, int seed)
    {
        var shuffled = rows.ToArray();
        new Random(seed).Shuffle(shuffled);
        return [.. shuffled];
    }

    private static LiftCheck Check(string name, JsonElement scope, IEnumerable<Outcome> chosen)
    {
        var rows = chosen.ToList();
        var sent = rows.Where(o => o.Row.Arm == o.Choice).ToList();
        var none = rows.Where(o => o.Row.Arm == None).ToList();
        var truth = LiftStatistics.RelativeLift(sent.Count(o => o.Row.Converted), sent.Count, none.Count(o => o.Row.Converted), none.Count);
        if (scope.ValueKind != JsonValueKind.Object) return new LiftCheck(name, null, truth, 0, 0);
        var engine = scope.TryGetProperty("relativeLift", out var rl) && rl.ValueKind == JsonValueKind.Object ? rl.Deserialize<Interval>(Json) : null;
        return new LiftCheck(name, engine, truth,
            scope.GetProperty("treated").GetProperty("conversions").GetInt64(), scope.GetProperty("holdout").GetProperty("conversions").GetInt64());
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Waits until the campaign's report has seen every decision (silos report every second).</summary>
    private static async Task<JsonElement> Eventually(Engine engine, string campaign, int decisions)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var report = await engine.Send(HttpMethod.Get, $"/v1/campaigns/{campaign}/report");
            var o = report.GetProperty("overall");
            if (o.GetProperty("treated").GetProperty("decisions").GetInt64() + o.GetProperty("holdout").GetProperty("decisions").GetInt64() >= decisions
                || DateTime.UtcNow > deadline) return report;
            await Task.Delay(250);
        }
    }

    public static void Print(HillstromResult r, TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine($"Hillstrom replay: {r.Rows} customers in {r.Elapsed.TotalSeconds.ToString("0.0", inv)} s; {r.Decided} decisions, {r.Matched} matched the logged arm ({(r.Decided == 0 ? 0 : 100.0 * r.Matched / r.Decided).ToString("0.0", inv)}%), {r.HeldOut} held out. Campaign {r.CampaignId}, {r.Segments} segments learned.");
        o.WriteLine("Engine choice shares: " + string.Join(", ", r.ChoiceShares.Select(kv => $"{kv.Key} {(100 * kv.Value).ToString("0.0", inv)}%")));
        o.WriteLine("Variant evidence the engine learned (conversions/deliveries): " + r.Learned);
        o.WriteLine($"Decisions where a candidate was blocked by the budget check: {r.BudgetBlocked}");
        o.WriteLine($"Mean conversion likelihood the engine scored (scales value against send cost): {r.MeanLikelihood.ToString("0.0000", inv)}");
        o.WriteLine();
        o.WriteLine($"| policy | rows used | conversion [95% CI] | spend / customer [95% CI] | net of ${SendCost.ToString(inv)}/send [95% CI] |");
        o.WriteLine("| --- | --- | --- | --- | --- |");
        foreach (var p in new[] { r.Engine, r.EngineLearned, r.EngineAsDeployed }.Concat(r.Arms).Append(r.Random))
            o.WriteLine($"| {p.Policy} | {p.Rows} | {Estimates.Show(Scale(p.Conversion, 100), "0.000")}% | ${Estimates.Show(p.SpendPerCustomer, "0.000")} | ${Estimates.Show(p.NetPerCustomer, "0.000")} |");
        o.WriteLine();
        o.WriteLine($"Engine's own holdout measurement (report: treated {r.ReportTreatedDecisions} decisions / {r.ReportTreatedConversions} conversions, holdout {r.ReportHoldoutDecisions} / {r.ReportHoldoutConversions}, all channels):");
        o.WriteLine("| scope | engine relative lift [95% CI] | conversions treated / holdout | experiment, same customers [95% CI] | engine estimate inside |");
        o.WriteLine("| --- | --- | --- | --- | --- |");
        foreach (var c in r.LiftChecks)
            o.WriteLine($"| {c.Scope} | {(c.Engine is { } e ? Estimates.Show(Scale(e, 100), "0.0") + "%" : "n/a")} | {c.TreatedConversions} / {c.HoldoutConversions} | {(c.Truth is { } t ? Estimates.Show(Scale(t, 100), "0.0") + "%" : "n/a")} | {(c.Inside ? "yes" : "no")} |");
    }

    /// <summary>Mean and spread over seeds of the figures the targets are about.</summary>
    public static void PrintSeeds(IReadOnlyList<HillstromResult> runs, TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        string Spread(IEnumerable<double> values)
        {
            var v = values.ToArray();
            var mean = v.Average();
            var sd = v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)) : 0;
            return $"{mean.ToString("0.000", inv)} (sd {sd.ToString("0.000", inv)}; {string.Join(", ", v.Select(x => x.ToString("0.000", inv)))})";
        }
        o.WriteLine();
        o.WriteLine($"## {runs.Count} seeds");
        o.WriteLine($"engine policy, net per customer: {Spread(runs.Select(r => r.Engine.NetPerCustomer.Estimate))}");
        o.WriteLine($"engine policy, second half, net per customer: {Spread(runs.Select(r => r.EngineLearned.NetPerCustomer.Estimate))}");
        o.WriteLine($"mens_email, net per customer: {Spread(runs.Select(r => r.Arms[0].NetPerCustomer.Estimate))}");
        foreach (var scope in runs[0].LiftChecks.Select(c => c.Scope))
            o.WriteLine($"holdout lift inside the experiment's interval, {scope}: {runs.Count(r => r.LiftChecks.Single(c => c.Scope == scope).Inside)}/{runs.Count}");
        o.WriteLine($"elapsed s: {Spread(runs.Select(r => r.Elapsed.TotalSeconds))}");
    }

    private static Interval Scale(Interval i, double f) => LiftStatistics.Scale(i, f);
}
