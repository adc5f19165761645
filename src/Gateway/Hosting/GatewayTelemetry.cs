using MarketingActors.Gateway.Governance;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace MarketingActors.Gateway.Hosting;

/// <summary>Metrics and traces (OTLP when an endpoint is configured, Prometheus scrape at /metrics) and health probes.</summary>
public static class GatewayTelemetry
{
    public const string EngineMeter = "MarketingActors";
    private static readonly string[] OrleansMeters = ["Microsoft.Orleans"];
    private static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var otlp = ExportsTraces(configuration);
        var telemetry = services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(EngineMeter).AddMeter(OrleansMeters).AddAspNetCoreInstrumentation().AddPrometheusExporter();
            if (otlp) metrics.AddOtlpExporter();
        });
        // Traces have nowhere to go without a collector; recording them anyway would only cost the hot path.
        if (otlp)
            telemetry.WithTracing(tracing => tracing.AddSource(EngineMeter).AddSource(OrleansSources).AddAspNetCoreInstrumentation().AddOtlpExporter());
        services.AddHealthChecks().AddCheck<ClusterReadiness>("cluster", tags: [ClusterReadiness.Tag]);
        return services;
    }

    /// <summary>The standard OTEL_EXPORTER_OTLP_ENDPOINT variable switches OTLP export on, and with it traces.</summary>
    public static bool ExportsTraces(IConfiguration configuration) => !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    public static void MapGatewayProbes(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowPublic();
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains(ClusterReadiness.Tag) }).AllowPublic();
        app.MapPrometheusScrapingEndpoint("/metrics").AllowPublic();
    }
}

/// <summary>
/// Ready when a round trip to the cluster answers (for a silo in cluster mode that also exercises
/// its storage) and the host is not shutting down, so load balancers drain it before it stops.
/// </summary>
public sealed class ClusterReadiness(IGrainFactory grains, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public const string Tag = "ready";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested) return HealthCheckResult.Unhealthy("shutting down");
        try
        {
            await grains.GetGrain<Campaigns.ICampaignCatalogGrain>(0).GetSnapshot().WaitAsync(Timeout, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("the cluster did not answer: " + e.Message);
        }
    }
}
