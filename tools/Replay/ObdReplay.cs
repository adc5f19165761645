using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using MarketingActors.Core.Measurement;
using MarketingActors.Measurement;

namespace MarketingActors.Replay;

/// <summary>One logged impression of the Open Bandit Dataset: the item shown, its position, the click and the logging propensity.</summary>
public sealed record ObdImpression(int Index, int Item, int Position, bool Click, double Propensity)
{
    public static List<ObdImpression> Read(string path, int? limit)
    {
        using var reader = new StreamReader(path);
        var header = reader.ReadLine()!.Split(',');
        int Col(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i : throw new FormatException($"{path}: no column '{name}'");
        int item = Col("item_id"), position = Col("position"), click = Col("click"), propensity = Col("propensity_score");
        var rows = new List<ObdImpression>();
        while (reader.ReadLine() is { } line && (limit is null || rows.Count < limit))
        {
            var f = line.Split(',');
            rows.Add(new ObdImpression(rows.Count, int.Parse(f[item], CultureInfo.InvariantCulture), int.Parse(f[position], CultureInfo.InvariantCulture),
                f[click] == "1", double.Parse(f[propensity], CultureInfo.InvariantCulture)));
        }
        return rows;
    }
}

public sealed record OffPolicyEstimate(string Log, int Rows, int Matched, Interval LoggedValue, Interval Ips, double SelfNormalizedIps, TimeSpan Elapsed);

/// <summary>
/// Off-policy evaluation of the engine on the Open Bandit "Men" logs. For each logged impression a
/// fresh customer asks the engine for its next best action on a placement whose actions are the
/// 34 items; where the engine picks the logged item the click is revealed (delivery receipt, and a
/// click is posted as the campaign's conversion) so it learns online, as in the Hillstrom replay.
///
///   IPS   = (1/n) Σ 1[π(x) = a] · r / p
///   SNIPS = Σ 1[π(x) = a] · r / p  /  Σ 1[π(x) = a] / p
///
/// with p the logged propensity of the shown item at its position (the engine chooses an item, not
/// a position, so its value is that of showing its item at the logged position).
/// </summary>
public static class ObdReplay
{
    public static async Task<OffPolicyEstimate> Run(Engine engine, string logName, IReadOnlyList<ObdImpression> log, int items, int parallel = 16)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var campaign = $"obd-{logName}-{tag}";
        var placement = $"obd_{tag}";
        var actions = string.Join(",", Enumerable.Range(0, items).Select(i => $$"""{"id":"item-{{i}}","channel":"web","variant":"item {{i}}","placement":"{{placement}}","cost":0}"""));
        await engine.CreateActiveCampaign($$$"""
            {"id":"{{{campaign}}}","name":"Open Bandit {{{logName}}} replay","conversionValue":1,"actions":[{{{actions}}}],
             "journey":{"entryTrigger":"page_view","steps":[{"id":"show","kind":"action","actionIds":["item-0"]}]},
             "budget":{"total":0,"currency":"USD"}}
            """, campaign);

        var clock = Stopwatch.StartNew();
        var weights = new ConcurrentBag<(double Term, double Weight)>();
        await Parallel.ForEachAsync(log, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (row, _) =>
        {
            var customer = $"obd-{tag}-{row.Index}";
            var decision = await engine.Send(HttpMethod.Get, $"/v1/customers/{customer}/next-best-action?placement={placement}");
            var chosen = decision.TryGetProperty("action", out var a) ? a.GetProperty("actionId").GetString() : null;
            if (chosen != $"item-{row.Item}")
            {
                weights.Add((0, 0));
                return;
            }
            weights.Add((row.Click ? 1 / row.Propensity : 0, 1 / row.Propensity));
            var id = decision.GetProperty("decisionId").GetString();
            var at = DateTimeOffset.UtcNow;
            var events = new List<string> { $$"""{"eventId":"{{customer}}-dl","customerId":"{{customer}}","type":"action_delivered","decisionId":"{{id}}","timestamp":"{{at:O}}"}""" };
            if (row.Click) events.Add($$"""{"eventId":"{{customer}}-click","customerId":"{{customer}}","type":"purchase","decisionId":"{{id}}","value":0,"timestamp":"{{at.AddMilliseconds(1):O}}"}""");
            await engine.PostEvents(events);
        });
        clock.Stop();
        var terms = weights.ToList();
        var weightSum = terms.Sum(t => t.Weight);
        return new OffPolicyEstimate(logName, log.Count, terms.Count(t => t.Weight > 0),
            Estimates.Mean([.. log.Select(r => r.Click ? 1.0 : 0.0)]),
            Estimates.Mean([.. terms.Select(t => t.Term)]),
            weightSum > 0 ? terms.Sum(t => t.Term) / weightSum : double.NaN,
            clock.Elapsed);
    }

    public static void Print(IEnumerable<OffPolicyEstimate> estimates, TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine("| log | impressions | engine matched | logged policy click rate [95% CI] | engine IPS [95% CI] | engine SNIPS | seconds |");
        o.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var e in estimates)
            o.WriteLine($"| {e.Log} | {e.Rows} | {e.Matched} | {Estimates.Show(LiftStatistics.Scale(e.LoggedValue, 100), "0.000")}% | {Estimates.Show(LiftStatistics.Scale(e.Ips, 100), "0.000")}% | {(100 * e.SelfNormalizedIps).ToString("0.000", inv)}% | {e.Elapsed.TotalSeconds.ToString("0.0", inv)} |");
    }
}
