using Scalar.AspNetCore;
using MarketingActors.Gateway.Agents;
using MarketingActors.Gateway.Endpoints;
using MarketingActors.Gateway.Governance;
using MarketingActors.Gateway.Ingestion;
using Microsoft.AspNetCore.Diagnostics;

namespace MarketingActors.Gateway.Hosting;

/// <summary>The gateway as a library: the silo maps it in embedded mode, the gateway Program in client mode.</summary>
public static class GatewayComposition
{
    public static IServiceCollection AddMarketingGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TrackingPlanOptions>().Bind(configuration.GetSection(TrackingPlanOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingletonTimeProvider();
        services.AddSingleton<EventParser>();
        services.AddSingleton<CustomerGrainReferences>();
        services.AddSingleton<SingleEventBurst>();
        services.AddSingleton<EventIngestion>();
        services.AddSingleton<IngestionAdmission>();
        services.AddSingleton<RejectedEvents>();
        services.AddHostedService(sp => sp.GetRequiredService<RejectedEvents>());
        services.ConfigureHttpJsonOptions(o => GatewayJson.Configure(o.SerializerOptions));
        services.AddProblemDetails();
        services.AddProtocolErrorBodies();
        services.AddOpenApi(ApiDocument.Configure);
        services.AddGatewayTelemetry(configuration);
        services.AddOptions<SecurityOptions>().Bind(configuration.GetSection(SecurityOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<KeyCache>();
        services.AddHostedService(sp => sp.GetRequiredService<KeyCache>());
        services.AddEndpointAccess();
        services.AddSingleton<PerKeyRateLimits>();
        services.AddMarketingMcp();
        return services;
    }

    public static WebApplication MapMarketingGateway(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = async context =>
            {
                var failure = context.Features.Get<IExceptionHandlerFeature>()?.Error;
                var result = failure switch
                {
                    // The framework's own refusals of a request (a body that ends early, an oversized chunk): the client's doing, never a 5xx.
                    BadHttpRequestException bad => Problems.Of(bad.StatusCode, "bad_request", bad.Message),
                    TimeoutException or OrleansException or Events.JournalUnavailableException => Problems.Unavailable("the engine cannot take this request right now; retry"),
                    _ => Problems.Of(500, "internal_error", "unexpected error; nothing was acknowledged"),
                };
                await result.ExecuteAsync(context);
            },
            // Nor an engine error: logged as an unhandled exception, every upload a client breaks off would page an operator.
            SuppressDiagnosticsCallback = handled => handled.Exception is BadHttpRequestException,
        });
        // Errors the framework raises itself (unknown route, wrong verb, routing's media-type check) get a reason too.
        app.UseStatusCodePages(async context =>
        {
            var status = context.HttpContext.Response.StatusCode;
            var reason = status switch
            {
                404 => "not_found",
                405 => "method_not_allowed",
                415 => "unsupported_media_type",
                _ => "http_" + status,
            };
            await Problems.Of(status, reason, $"HTTP {status} for {context.HttpContext.Request.Method} {context.HttpContext.Request.Path}")
                .ExecuteAsync(context.HttpContext);
        });
        app.UseRequestHygiene();
        app.UseRouting();
        app.UseAccessGate();
        app.UsePerKeyRateLimits();
        app.MapOpenApi("/openapi/{documentName}.json").AllowPublic();
        // The interactive reference, beside the document it renders.
        app.MapScalarApiReference("/reference", o => o.WithOpenApiRoutePattern("/openapi/{documentName}.json")).AllowPublic();
        app.MapGatewayProbes();
        app.MapEventEndpoints();
        app.MapSegmentEndpoints();
        app.MapQuarantineEndpoints();
        app.MapCampaignEndpoints();
        app.MapAudienceEndpoints();
        app.MapCustomerEndpoints();
        app.MapModelEndpoints();
        app.MapReportEndpoints();
        app.MapDeliveryEndpoints();
        app.MapMarketingMcp();
        app.MapBudgetAgentEndpoints();
        app.MapGovernanceEndpoints();
        app.MapSignInEndpoints();
        return app;
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (services.All(d => d.ServiceType != typeof(TimeProvider))) services.AddSingleton(TimeProvider.System);
    }
}
