using MarketingActors.Gateway.Hosting;
using MarketingActors.Hosting;

namespace MarketingActors.Silo.Hosting;

/// <summary>The one place the silo host is composed: Orleans, storage, engine services, co-hosted gateway.</summary>
public static class SiloComposition
{
    public const string CustomerStorage = "customers";
    public const string CampaignStorage = "campaigns";
    public const string GovernanceStorage = "governance";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? customize = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        customize?.Invoke(builder);
        var silo = builder.Configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();
        builder.UseOrleans(orleans => ConfigureOrleans(orleans, silo));
        builder.Services.AddMarketingEngine(builder.Configuration);
        builder.Services.AddMarketingGateway(builder.Configuration);
        // Registered after UseOrleans, so it starts once the silo is serving grain calls.
        builder.Services.AddHostedService<BootstrapAdminKey>();

        var app = builder.Build();
        app.MapMarketingGateway();
        app.Lifetime.ApplicationStarted.Register(() => app.Logger.LogWarning(
            "EMBEDDED MODE: one silo, in-memory storage. Customer state, campaigns and budgets are NOT durable and are lost when this process stops. Gateway: {Urls}",
            string.Join(", ", app.Urls)));
        return app;
    }

    public static void ConfigureOrleans(ISiloBuilder orleans, SiloOptions silo)
    {
        orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort);
        AddEngineStorage(orleans, silo);
    }

    /// <summary>Grain storage and reminders the engine's grains need; shared with the test cluster.</summary>
    public static void AddEngineStorage(ISiloBuilder orleans, SiloOptions silo)
    {
        orleans.AddMemoryGrainStorage(CustomerStorage);
        orleans.AddMemoryGrainStorage(CampaignStorage);
        orleans.AddMemoryGrainStorage(GovernanceStorage);
        orleans.UseInMemoryReminderService();
        orleans.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = silo.MinimumReminderPeriod);
    }
}
