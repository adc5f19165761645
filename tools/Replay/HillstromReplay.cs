using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
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

public sealed record HillstromResult(
    int Rows, int Decided, int Matched, int HeldOut, TimeSpan Elapsed,
    Dictionary<string, double> ChoiceShares,
    PolicyValue Engine, PolicyValue EngineAsDeployed, PolicyValue[] Arms, PolicyValue Random,
    Interval? EngineEmailRelativeLift, Interval? EngineEmailAbsoluteLiftRescaled, Interval TruthEmailRelativeLift, double TruthEmailAbsoluteLift,
    long ReportTreatedDecisions, long ReportHoldoutDecisions, long ReportTreatedConversions, long ReportHoldoutConversions, string CampaignId,
    string Learned);

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

    private sealed record Outcome(HillstromRow Row, string? Choice, bool HeldOut, string? Effective);

    public static async Task<HillstromResult> Run(Engine engine, IReadOnlyList<HillstromRow> rows, int holdoutPercent = 30, int batchCustomers = 400, int parallel = 4, TextWriter? log = null)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var campaign = $"hillstrom-{tag}";
        // Conversion value ≈ average order of a converting Hillstrom customer (~$115), rounded.
        await engine.CreateActiveCampaign($$$"""
            {"id":"{{{campaign}}}","name":"Hillstrom replay {{{tag}}}","conversionValue":100,"holdoutPercent":{{{holdoutPercent}}},
             "actions":[{"id":"{{{Mens}}}","channel":"email","variant":"mens","cost":{{{SendCost.ToString(CultureInfo.InvariantCulture)}}}},
                        {"id":"{{{Womens}}}","channel":"email","variant":"womens","cost":{{{SendCost.ToString(CultureInfo.InvariantCulture)}}}},
                        {"id":"{{{None}}}","channel":"web","variant":"no e-mail (control arm)","cost":0}],
             "journey":{"entryTrigger":"page_view","steps":[{"id":"choose","kind":"action"}]},
             "budget":{"total":100000,"currency":"USD"}}
            """, campaign);

        var clock = Stopwatch.StartNew();
        var outcomes = new ConcurrentBag<Outcome>();
        var done = 0;
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
                    outcomes.Add(new Outcome(r, null, false, null));
                    continue;
                }
                var sent = d.TryGetProperty("action", out var a) ? a.GetProperty("actionId").GetString() : null;
                var would = d.TryGetProperty("wouldHaveSent", out var w) ? w.GetProperty("actionId").GetString() : null;
                var heldOut = sent is null && would is not null;
                var choice = sent ?? would;
                var effective = heldOut ? None : sent;
                outcomes.Add(new Outcome(r, choice, heldOut, effective));
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

        PolicyValue Value(string name, Func<Outcome, string?> arm)
        {
            var matched = list.Where(o => arm(o) is { } a && a == o.Row.Arm).ToList();
            return new PolicyValue(name, matched.Count,
                Estimates.Mean([.. matched.Select(o => o.Row.Converted ? 1.0 : 0.0)]),
                Estimates.Mean([.. matched.Select(o => o.Row.Spend)]),
                Estimates.Mean([.. matched.Select(o => o.Row.Spend - CostOf(o.Row.Arm))]));
        }

        var arms = ArmIds.Select(arm => Value(arm, _ => arm)).ToArray();
        var random = new PolicyValue("random (uniform over the 3 arms)", rows.Count,
            Estimates.Mean([.. rows.Select(r => r.Converted ? 1.0 : 0.0)]),
            Estimates.Mean([.. rows.Select(r => r.Spend)]),
            Estimates.Mean([.. rows.Select(r => r.Spend - CostOf(r.Arm))]));

        // Ground truth for the e-mails the engine actually chose: its mens/womens mix against No E-Mail, in this slice.
        var emailChoices = list.Where(o => o.Choice is Mens or Womens).ToList();
        var mensShare = emailChoices.Count == 0 ? 0.5 : emailChoices.Count(o => o.Choice == Mens) / (double)emailChoices.Count;
        var (truthRelative, truthAbsolute) = TruthForMix(rows, mensShare);

        var email = report.GetProperty("channels").EnumerateArray().FirstOrDefault(c => c.GetProperty("scope").GetString() == "email");
        Interval? engineRelative = null, engineAbsolute = null;
        if (email.ValueKind == JsonValueKind.Object)
        {
            engineRelative = email.TryGetProperty("relativeLift", out var rl) ? rl.Deserialize<Interval>(Json) : null;
            // The report's rates are per decision, but outcomes are revealed only on matched rows:
            // divide each arm's rate by its match fraction to compare with the experiment's rates.
            var treatedMatch = MatchFraction(list.Where(o => !o.HeldOut && o.Choice is Mens or Womens));
            var holdoutMatch = MatchFraction(list.Where(o => o.HeldOut && o.Choice is Mens or Womens));
            if (email.TryGetProperty("absoluteLift", out var al) && treatedMatch > 0 && holdoutMatch > 0)
            {
                var t = email.GetProperty("treated");
                var h = email.GetProperty("holdout");
                engineAbsolute = LiftStatistics.AbsoluteLift(
                    t.GetProperty("conversions").GetInt64(), (long)Math.Round(t.GetProperty("decisions").GetInt64() * treatedMatch),
                    h.GetProperty("conversions").GetInt64(), (long)Math.Round(h.GetProperty("decisions").GetInt64() * holdoutMatch));
            }
        }
        var overall = report.GetProperty("overall");
        var state = await engine.Send(HttpMethod.Get, $"/v1/campaigns/{campaign}/state");
        var learned = string.Join(", ", state.GetProperty("variants").EnumerateArray().Select(v =>
            $"{v.GetProperty("actionId").GetString()} {v.GetProperty("conversions").GetInt64()}/{v.GetProperty("deliveries").GetInt64()}"));
        return new HillstromResult(rows.Count, decided, list.Count(o => o.Choice == o.Row.Arm), list.Count(o => o.HeldOut), clock.Elapsed,
            ArmIds.ToDictionary(a => a, a => decided == 0 ? 0 : list.Count(o => o.Choice == a) / (double)decided),
            Value("engine policy (its ranking choice)", o => o.Choice),
            Value($"engine as deployed ({holdoutPercent}% holdout get no e-mail)", o => o.Effective),
            arms, random, engineRelative, engineAbsolute, truthRelative, truthAbsolute,
            overall.GetProperty("treated").GetProperty("decisions").GetInt64(), overall.GetProperty("holdout").GetProperty("decisions").GetInt64(),
            overall.GetProperty("treated").GetProperty("conversions").GetInt64(), overall.GetProperty("holdout").GetProperty("conversions").GetInt64(),
            campaign, learned);
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static double MatchFraction(IEnumerable<Outcome> outcomes)
    {
        var list = outcomes.ToList();
        return list.Count == 0 ? 0 : list.Count(o => o.Effective == o.Row.Arm) / (double)list.Count;
    }

    /// <summary>
    /// The experiment's relative lift of the engine's e-mail mix (share w of mens) over No E-Mail:
    /// p₁ = w·p_mens + (1 − w)·p_womens, interval on log(p₁/p₀) by the delta method.
    /// </summary>
    public static (Interval Relative, double Absolute) TruthForMix(IReadOnlyList<HillstromRow> rows, double mensShare)
    {
        (double P, long N) Rate(string arm)
        {
            var n = rows.Count(r => r.Arm == arm);
            return (n == 0 ? 0 : rows.Count(r => r.Arm == arm && r.Converted) / (double)n, n);
        }
        var (pm, nm) = Rate(Mens);
        var (pw, nw) = Rate(Womens);
        var (p0, n0) = Rate(None);
        var w = mensShare;
        var p1 = w * pm + (1 - w) * pw;
        var varP1 = w * w * pm * (1 - pm) / nm + (1 - w) * (1 - w) * pw * (1 - pw) / nw;
        var se = Math.Sqrt(varP1 / (p1 * p1) + (1 - p0) / (n0 * p0));
        var log = Math.Log(p1 / p0);
        return (new Interval { Estimate = p1 / p0 - 1, Lower = Math.Exp(log - LiftStatistics.Z95 * se) - 1, Upper = Math.Exp(log + LiftStatistics.Z95 * se) - 1 }, p1 - p0);
    }

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
        o.WriteLine($"Hillstrom replay: {r.Rows} customers in {r.Elapsed.TotalSeconds.ToString("0.0", inv)} s; {r.Decided} decisions, {r.Matched} matched the logged arm ({(r.Decided == 0 ? 0 : 100.0 * r.Matched / r.Decided).ToString("0.0", inv)}%), {r.HeldOut} held out. Campaign {r.CampaignId}.");
        o.WriteLine("Engine choice shares: " + string.Join(", ", r.ChoiceShares.Select(kv => $"{kv.Key} {(100 * kv.Value).ToString("0.0", inv)}%")));
        o.WriteLine("Variant evidence the engine learned (conversions/deliveries): " + r.Learned);
        o.WriteLine();
        o.WriteLine($"| policy | rows used | conversion [95% CI] | spend / customer [95% CI] | net of ${SendCost.ToString(inv)}/send [95% CI] |");
        o.WriteLine("| --- | --- | --- | --- | --- |");
        foreach (var p in new[] { r.Engine, r.EngineAsDeployed }.Concat(r.Arms).Append(r.Random))
            o.WriteLine($"| {p.Policy} | {p.Rows} | {Estimates.Show(Scale(p.Conversion, 100), "0.000")}% | ${Estimates.Show(p.SpendPerCustomer, "0.000")} | ${Estimates.Show(p.NetPerCustomer, "0.000")} |");
        o.WriteLine();
        o.WriteLine($"Engine's own holdout measurement, e-mail channel (report: treated {r.ReportTreatedDecisions} decisions / {r.ReportTreatedConversions} conversions, holdout {r.ReportHoldoutDecisions} / {r.ReportHoldoutConversions}, all channels):");
        o.WriteLine($"  relative lift (engine):  {(r.EngineEmailRelativeLift is { } e ? Estimates.Show(Scale(e, 100), "0.0") + "%" : "n/a")}");
        o.WriteLine($"  relative lift (truth, same e-mail mix, this slice): {Estimates.Show(Scale(r.TruthEmailRelativeLift, 100), "0.0")}%  → engine estimate inside truth CI: {(r.EngineEmailRelativeLift is { } x && Estimates.Contains(r.TruthEmailRelativeLift, x.Estimate) ? "yes" : "no")}");
        o.WriteLine($"  absolute lift (engine, rates rescaled by match fraction): {(r.EngineEmailAbsoluteLiftRescaled is { } y ? Estimates.Show(Scale(y, 100), "0.000") + " pp" : "n/a")}; truth {(100 * r.TruthEmailAbsoluteLift).ToString("0.000", inv)} pp");
    }

    private static Interval Scale(Interval i, double f) => LiftStatistics.Scale(i, f);
}
