using System.Globalization;
using System.Text;
using MarketingActors.Measurement;

namespace MarketingActors.Gateway.Reports;

/// <summary>The lift report as CSV: one row per scope ("all", then each channel), invariant culture, for spreadsheets.</summary>
public static class LiftReportCsv
{
    private static readonly string[] Header =
    [
        "campaign_id", "scope",
        "treated_decisions", "treated_sends", "treated_spend", "treated_conversions", "treated_revenue", "treated_conversion_rate",
        "holdout_decisions", "holdout_conversions", "holdout_revenue", "holdout_conversion_rate",
        "absolute_lift", "absolute_lift_lower", "absolute_lift_upper",
        "relative_lift", "relative_lift_lower", "relative_lift_upper",
        "incremental_conversions", "incremental_conversions_lower", "incremental_conversions_upper",
        "incremental_revenue", "incremental_revenue_lower", "incremental_revenue_upper",
        "roi", "roi_lower", "roi_upper", "cost_per_incremental_conversion", "currency", "generated_at",
    ];

    public static string Write(LiftReport report)
    {
        var csv = new StringBuilder();
        csv.AppendLine(string.Join(',', Header));
        foreach (var s in new[] { report.Overall }.Concat(report.Channels))
        {
            var cells = new List<string>
            {
                Quote(report.CampaignId), Quote(s.Scope),
                N(s.Treated.Decisions), N(s.Treated.Sends), N(s.Treated.Spend), N(s.Treated.Conversions), N(s.Treated.Revenue), N(s.Treated.ConversionRate),
                N(s.Holdout.Decisions), N(s.Holdout.Conversions), N(s.Holdout.Revenue), N(s.Holdout.ConversionRate),
            };
            foreach (var i in new[] { s.AbsoluteLift, s.RelativeLift, s.IncrementalConversions, s.IncrementalRevenue, s.Roi })
            {
                cells.Add(N(i?.Estimate));
                cells.Add(N(i?.Lower));
                cells.Add(N(i?.Upper));
            }
            cells.Add(N(s.CostPerIncrementalConversion));
            cells.Add(Quote(report.Currency));
            cells.Add(report.GeneratedAt.ToString("O", CultureInfo.InvariantCulture));
            csv.AppendLine(string.Join(',', cells));
        }
        return csv.ToString();
    }

    private static string N(double? v) => v is { } x ? x.ToString("G10", CultureInfo.InvariantCulture) : "";

    private static string N(decimal v) => v.ToString(CultureInfo.InvariantCulture);

    private static string N(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string s) => s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";
}
