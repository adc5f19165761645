using System.Globalization;
using System.Net;
using System.Text;
using MarketingActors.Measurement;

namespace MarketingActors.Gateway.Reports;

/// <summary>
/// The lift report as one self-contained HTML page a campaign owner reads in a browser: headline
/// numbers, a treated-vs-holdout table, and two inline SVG charts (absolute lift with its 95%
/// interval per channel; cumulative spend against the budget per hour). No script, no external
/// resource, so it works offline and can be saved or mailed as is.
/// </summary>
public static class LiftReportPage
{
    private const int Width = 640;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private const string Style =
        "body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:60rem}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}th:first-child,td:first-child{text-align:left}.kpi{display:inline-block;margin-right:2rem}.kpi b{display:block;font-size:1.4rem}svg text{font-size:12px}";

    public static string Render(LiftReport r)
    {
        var html = new StringBuilder();
        html.Append($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Lift report · {E(r.CampaignName)}</title>
            <style>{Style}</style></head><body>
            <h1>{E(r.CampaignName)} <small>({E(r.CampaignId)})</small></h1>
            <p>Generated {r.GeneratedAt.ToString("u", Inv)} ({E(r.Trigger)}){Period(r)}; holdout {r.HoldoutPercent.ToString("0.##", Inv)}% of customers plus the global control. Rates are per decision; intervals are 95%.</p>
            <section id="headline">
            <span class="kpi">Absolute lift<b id="absolute-lift">{Pp(r.Overall.AbsoluteLift?.Estimate)}</b>{Range(r.Overall.AbsoluteLift, Pp)}</span>
            <span class="kpi">Relative lift<b id="relative-lift">{Pct(r.Overall.RelativeLift?.Estimate)}</b>{Range(r.Overall.RelativeLift, Pct)}</span>
            <span class="kpi">Incremental revenue<b id="incremental-revenue">{Money(r.Overall.IncrementalRevenue?.Estimate, r.Currency)}</b>{Range(r.Overall.IncrementalRevenue, v => Money(v, r.Currency))}</span>
            <span class="kpi">ROI<b id="roi">{Pct(r.Overall.Roi?.Estimate)}</b>{Range(r.Overall.Roi, Pct)}</span>
            <span class="kpi">Cost per incremental conversion<b>{Money(r.Overall.CostPerIncrementalConversion, r.Currency)}</b></span>
            </section>
            <h2>Treated vs holdout</h2>
            <table id="arms"><tr><th>scope</th><th>treated decisions</th><th>sends</th><th>spend</th><th>conversions</th><th>rate</th><th>revenue</th>
            <th>holdout decisions</th><th>conversions</th><th>rate</th><th>revenue</th><th>absolute lift (95% CI)</th></tr>
            """);
        foreach (var s in new[] { r.Overall }.Concat(r.Channels))
        {
            html.Append($"""
                <tr data-scope="{E(s.Scope)}"><td>{E(s.Scope)}</td><td>{s.Treated.Decisions}</td><td>{s.Treated.Sends}</td><td>{Money((double)s.Treated.Spend, r.Currency)}</td>
                <td>{s.Treated.Conversions}</td><td>{Pct(s.Treated.ConversionRate)}</td><td>{Money((double)s.Treated.Revenue, r.Currency)}</td>
                <td>{s.Holdout.Decisions}</td><td>{s.Holdout.Conversions}</td><td>{Pct(s.Holdout.ConversionRate)}</td><td>{Money((double)s.Holdout.Revenue, r.Currency)}</td>
                <td>{Pp(s.AbsoluteLift?.Estimate)} {Range(s.AbsoluteLift, Pp)}</td></tr>
                """);
        }
        var d = r.CrossChannel;
        html.Append($"""
            </table>
            <p id="dispersion">Cross-channel consistency over {d.Channels} channel(s): standard deviation of lift {Pp(d.StandardDeviation)}, Cochran's Q {Num(d.CochranQ)}, I² {Pct(d.ISquared)} (near 0%: the channels agree; high: lift depends on the channel).</p>
            <h2>Lift per channel</h2>
            {LiftChart(r)}
            <h2>Budget pacing</h2>
            {PacingChart(r)}
            </body></html>
            """);
        return html.ToString();
    }

    /// <summary>A forest plot: one row per scope, the interval as a line, the estimate as a dot, zero as a dashed rule.</summary>
    private static string LiftChart(LiftReport r)
    {
        var rows = new[] { r.Overall }.Concat(r.Channels).Where(s => s.AbsoluteLift is not null).ToList();
        if (rows.Count == 0) return "<p id=\"lift-chart-empty\">No lift yet: both treated and holdout need decisions.</p>";
        const int left = 110, right = 30, rowHeight = 28, top = 20;
        var height = top + rows.Count * rowHeight + 30;
        var lo = Math.Min(0, rows.Min(s => s.AbsoluteLift!.Lower));
        var hi = Math.Max(0, rows.Max(s => s.AbsoluteLift!.Upper));
        if (hi - lo < 1e-9) hi = lo + 0.01;
        double X(double v) => left + (v - lo) / (hi - lo) * (Width - left - right);
        var svg = new StringBuilder();
        svg.Append($"""<svg id="lift-chart" xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{height}" role="img" aria-label="Absolute lift with 95% intervals per channel">""");
        svg.Append($"""<line x1="{F(X(0))}" y1="{top - 10}" x2="{F(X(0))}" y2="{height - 25}" stroke="#999" stroke-dasharray="4 3"/>""");
        for (var i = 0; i < rows.Count; i++)
        {
            var s = rows[i];
            var a = s.AbsoluteLift!;
            var y = top + i * rowHeight + rowHeight / 2;
            var colour = a.Lower > 0 ? "#1a7f37" : a.Upper < 0 ? "#cf222e" : "#57606a";
            svg.Append($"""<g class="lift-row" data-scope="{E(s.Scope)}" data-estimate="{F(a.Estimate)}" data-lower="{F(a.Lower)}" data-upper="{F(a.Upper)}">""");
            svg.Append($"""<text x="4" y="{y + 4}">{E(s.Scope)}</text>""");
            svg.Append($"""<line class="interval" x1="{F(X(a.Lower))}" y1="{y}" x2="{F(X(a.Upper))}" y2="{y}" stroke="{colour}" stroke-width="3"/>""");
            svg.Append($"""<circle class="estimate" cx="{F(X(a.Estimate))}" cy="{y}" r="5" fill="{colour}"/>""");
            svg.Append($"""<text class="value" x="{F(Math.Min(X(a.Upper) + 6, Width - 60))}" y="{y - 6}">{Pp(a.Estimate)}</text></g>""");
        }
        svg.Append($"""<text x="{left}" y="{height - 8}">{Pp(lo)}</text><text x="{Width - right - 50}" y="{height - 8}">{Pp(hi)}</text>""");
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>Cumulative confirmed spend per hour as a polyline, the budget total as a red rule.</summary>
    private static string PacingChart(LiftReport r)
    {
        if (r.Pacing.Length == 0) return "<p id=\"pacing-chart-empty\">No spend recorded yet.</p>";
        const int left = 70, right = 20, top = 15, height = 220, bottom = 30;
        var max = (double)Math.Max(r.BudgetTotal, r.Pacing.Max(p => p.CumulativeSpend));
        if (max <= 0) max = 1;
        var first = r.Pacing[0].Hour;
        var span = Math.Max(1, (r.Pacing[^1].Hour - first).TotalHours);
        double X(DateTimeOffset h) => left + (h - first).TotalHours / span * (Width - left - right);
        double Y(double v) => top + (1 - v / max) * (height - top - bottom);
        var svg = new StringBuilder();
        svg.Append($"""<svg id="pacing-chart" xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{height}" role="img" aria-label="Cumulative spend against budget">""");
        svg.Append($"""<line class="budget" x1="{left}" y1="{F(Y((double)r.BudgetTotal))}" x2="{Width - right}" y2="{F(Y((double)r.BudgetTotal))}" stroke="#cf222e" stroke-dasharray="6 3"/>""");
        svg.Append($"""<text x="4" y="{F(Y((double)r.BudgetTotal) + 4)}">budget {Money((double)r.BudgetTotal, r.Currency)}</text>""");
        var points = string.Join(' ', r.Pacing.Select(p => $"{F(X(p.Hour))},{F(Y((double)p.CumulativeSpend))}"));
        svg.Append($"""<polyline class="spend" points="{points}" fill="none" stroke="#0969da" stroke-width="2"/>""");
        foreach (var p in r.Pacing)
            svg.Append($"""<circle class="spend-point" data-hour="{p.Hour.ToString("O", Inv)}" data-spend="{p.CumulativeSpend.ToString(Inv)}" cx="{F(X(p.Hour))}" cy="{F(Y((double)p.CumulativeSpend))}" r="3" fill="#0969da"/>""");
        svg.Append($"""<text x="{left}" y="{height - 8}">{first.ToString("yyyy-MM-dd HH:00", Inv)}</text><text x="{Width - right - 120}" y="{height - 8}">{r.Pacing[^1].Hour.ToString("yyyy-MM-dd HH:00", Inv)}</text>""");
        svg.Append($"""<text x="{left + 4}" y="{F(Y((double)r.Pacing[^1].CumulativeSpend) - 6)}">spent {Money((double)r.BudgetSpent, r.Currency)}</text>""");
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string Range(Interval? i, Func<double?, string> format) =>
        i is null ? "" : $"<small>[{format(i.Lower)}, {format(i.Upper)}]</small>";

    private static string Pp(double? v) => v is { } x ? (x * 100).ToString("+0.00;-0.00;0.00", Inv) + " pp" : "n/a";

    private static string Pct(double? v) => v is { } x ? (x * 100).ToString("0.0", Inv) + "%" : "n/a";

    private static string Num(double? v) => v is { } x ? x.ToString("0.00", Inv) : "n/a";

    private static string Money(double? v, string currency) => v is { } x ? x.ToString("#,0.00", Inv) + " " + E(currency) : "n/a";

    private static string F(double v) => v.ToString("0.##", Inv);

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string Period(LiftReport r) =>
        r.PeriodFrom is { } from && r.PeriodTo is { } to ? $" for the UTC days {from.ToString("yyyy-MM-dd", Inv)} to {to.ToString("yyyy-MM-dd", Inv)}" : "";
}
