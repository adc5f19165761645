using MarketingActors.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MarketingActors.Benchmarks;

/// <summary>The real embedded host, started in this process on free loopback ports (HTTP and both Orleans ports), for the in-process harnesses.</summary>
public static class LoopbackEngine
{
    public static async Task<(WebApplication App, string BaseUrl)> Start(params string[] settings)
    {
        var app = await SiloComposition.Build(["--urls", "http://127.0.0.1:0", $"--MarketingActors:Silo:SiloPort={FreePort()}", $"--MarketingActors:Silo:GatewayPort={FreePort()}",
            "--Logging:LogLevel:Default=Warning", .. settings]);
        await app.StartAsync();
        return (app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
