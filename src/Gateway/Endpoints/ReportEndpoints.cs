using MarketingActors.Campaigns;
using MarketingActors.Gateway.Governance;
using MarketingActors.Gateway.Reports;
using MarketingActors.Governance;
using MarketingActors.Measurement;

namespace MarketingActors.Gateway.Endpoints;

/// <summary>Campaign lift reports: JSON or CSV from the API, and an HTML page for campaign owners.</summary>
public static class ReportEndpoints
{
    public static void MapReportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/campaigns/{id}/report", async (string id, string? format, string? source, string? from, string? to, IGrainFactory grains, TimeProvider clock) =>
        {
            if (format is not (null or "json" or "csv")) return Problems.Of(400, "unsupported_format", "format is json (the default) or csv");
            var (report, error) = await Load(id, source, from, to, grains, clock);
            if (error is not null) return error;
            return format == "csv"
                ? Results.Text(LiftReportCsv.Write(report!), "text/csv; charset=utf-8")
                : Results.Ok(report);
        }).WithTags("Reports").WithName("GetCampaignReport")
            .WithSummary("Treated vs holdout per campaign and channel, lift with 95% intervals, ROI, pacing. ?format=csv, ?source=scheduled for the latest scheduled report, ?from=yyyy-MM-dd&to=yyyy-MM-dd for the UTC days of a period.")
            .Produces<LiftReport>().Produces<string>(200, "text/csv").ProducesProblem(400).ProducesProblem(404)
            .RequireAccess(Operations.ReadPerformance, CampaignFrom.Route);

        app.MapGet("/v1/campaigns/{id}/reports", async (string id, IGrainFactory grains) =>
        {
            var reports = CampaignIds.IsValid(id) ? await grains.GetGrain<ICampaignGrain>(id).ListScheduledReports() : null;
            return reports is null ? Problems.Of(404, "campaign_not_found", $"no campaign '{id}'") : Results.Ok(reports);
        }).WithTags("Reports").WithName("ListScheduledReports")
            .WithSummary("The scheduled lift reports kept for a campaign (oldest first; MarketingActors:Measurement:ScheduledReportsKept), durable across restarts.")
            .Produces<LiftReport[]>().ProducesProblem(404).RequireAccess(Operations.ReadPerformance, CampaignFrom.Route);

        app.MapGet("/v1/campaigns/{id}/policy-evaluation", async (string id, IGrainFactory grains) =>
        {
            var evaluation = CampaignIds.IsValid(id) ? await grains.GetGrain<ICampaignGrain>(id).GetPolicyEvaluation() : null;
            return evaluation is null ? Problems.Of(404, "campaign_not_found", $"no campaign '{id}'") : Results.Ok(evaluation);
        }).WithTags("Reports").WithName("GetPolicyEvaluation")
            .WithSummary("The engine vs the rule you would write: off-policy estimates (IPS, SNIPS, doubly robust, 95% intervals) of the campaign's contextual policy, uniform random and each fixed action, from its logged propensities and outcomes.")
            .Produces<PolicyEvaluation>().ProducesProblem(404).RequireAccess(Operations.ReadPerformance, CampaignFrom.Route);

        app.MapGet("/reports/campaigns/{id}", async (string id, string? source, string? from, string? to, IGrainFactory grains, TimeProvider clock) =>
        {
            var (report, error) = await Load(id, source, from, to, grains, clock);
            return error ?? Results.Content(LiftReportPage.Render(report!), "text/html; charset=utf-8");
        }).WithTags("Reports").WithName("CampaignReportPage").WithSummary("The lift report as an HTML page with charts.")
            .Produces<string>(200, "text/html").ProducesProblem(400).ProducesProblem(404)
            .RequireAccess(Operations.ReadPerformance, CampaignFrom.Route);
    }

    private static async Task<(LiftReport? Report, IResult? Error)> Load(string id, string? source, string? from, string? to, IGrainFactory grains, TimeProvider clock)
    {
        if (source is not (null or "on_demand" or "scheduled"))
            return (null, Problems.Of(400, "unsupported_source", "source is on_demand (the default) or scheduled"));
        var (period, invalid) = ReportPeriod.Parse(from, to, clock);
        if (invalid is not null) return (null, Problems.Of(400, ReportPeriod.InvalidReason, invalid));
        if (period is not null && source == "scheduled") return (null, Problems.Of(400, ReportPeriod.InvalidReason, "a period report is generated on demand; drop source=scheduled"));
        if (!CampaignIds.IsValid(id)) return (null, Problems.Of(404, "campaign_not_found", $"no campaign '{id}'"));
        var report = await ReportPeriod.Load(grains.GetGrain<ICampaignGrain>(id), period, latestScheduled: source == "scheduled");
        return report is null ? (null, Problems.Of(404, "campaign_not_found", $"no campaign '{id}'")) : (report, null);
    }
}
