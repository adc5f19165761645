using MarketingActors.Gateway.Hosting;

namespace MarketingActors.Gateway;

/// <summary>The gateway on its own: a stateless Orleans client serving the same endpoints the silo co-hosts.</summary>
public static class GatewayProgram
{
    public static async Task Main(string[] args)
    {
        var app = Build(args);
        await app.RunAsync();
    }

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var client = builder.Configuration.GetSection(ClientOptions.Section).Get<ClientOptions>() ?? new ClientOptions();
        if (!string.Equals(client.Clustering, "Localhost", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"{ClientOptions.Section}:Clustering '{client.Clustering}' is not supported; use Localhost");
        builder.UseOrleansClient(orleans => orleans.UseLocalhostClustering(client.SiloGatewayPort));
        builder.Services.AddMarketingGateway(builder.Configuration);
        var app = builder.Build();
        app.MapMarketingGateway();
        return app;
    }
}
