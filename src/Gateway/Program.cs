using MarketingActors.Gateway.Hosting;
using MarketingActors.Hosting;

namespace MarketingActors.Gateway;

/// <summary>The gateway on its own: a stateless Orleans client serving the same endpoints the silo co-hosts.</summary>
public static class GatewayProgram
{
    public static async Task<int> Main(string[] args)
    {
        try
        {
            await Build(args).RunAsync();
            return 0;
        }
        catch (StartupFailure e)
        {
            await Console.Error.WriteLineAsync("marketing-actors-gateway: " + e.Message);
            return 2;
        }
    }

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var client = builder.Configuration.GetSection(ClientOptions.Section).Get<ClientOptions>() ?? new ClientOptions();
        builder.UseOrleansClient(orleans =>
        {
            // A request's trace continues into the silos only when traces are exported (GatewayTelemetry).
            if (GatewayTelemetry.ExportsTraces(builder.Configuration)) orleans.AddActivityPropagation();
            if (string.Equals(client.Clustering, "AdoNet", StringComparison.OrdinalIgnoreCase))
            {
                var connectionString = builder.Configuration.GetConnectionString("Postgres");
                if (string.IsNullOrEmpty(connectionString))
                    throw new StartupFailure("AdoNet clustering needs ConnectionStrings:Postgres");
                orleans.Configure<Orleans.Configuration.ClusterOptions>(o =>
                {
                    o.ClusterId = client.ClusterId;
                    o.ServiceId = client.ServiceId;
                });
                orleans.UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = connectionString;
                });
                orleans.Services.AddOptions<Orleans.Configuration.ClientMessagingOptions>().Bind(builder.Configuration.GetSection(ClientOptions.Section + ":Messaging"));
                orleans.Services.AddOptions<Orleans.Configuration.GatewayOptions>().Bind(builder.Configuration.GetSection(ClientOptions.Section + ":Gateways"));
            }
            else if (string.Equals(client.Clustering, "Localhost", StringComparison.OrdinalIgnoreCase))
            {
                orleans.UseLocalhostClustering(client.SiloGatewayPort);
            }
            else
            {
                throw new StartupFailure($"{ClientOptions.Section}:Clustering '{client.Clustering}' is not supported; use Localhost or AdoNet");
            }
        });
        builder.Services.AddMarketingGateway(builder.Configuration);
        var app = builder.Build();
        app.MapMarketingGateway();
        return app;
    }
}
