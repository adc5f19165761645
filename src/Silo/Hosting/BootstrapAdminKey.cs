using MarketingActors.Gateway.Governance;
using MarketingActors.Governance;
using Microsoft.Extensions.Options;

namespace MarketingActors.Silo.Hosting;

/// <summary>
/// Embedded mode: once the silo is up, make sure an admin key exists. A new random key is printed
/// once (it is stored only as a hash); a configured well-known dev key is used as given.
/// </summary>
public sealed class BootstrapAdminKey(IGrainFactory grains, IOptions<SecurityOptions> security, ILogger<BootstrapAdminKey> logger) : IHostedService
{
    public const string Banner = "Bootstrap admin API key (shown once, store it now)";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var token = await grains.GetGrain<IPrincipalRegistryGrain>(0).Bootstrap(security.Value.BootstrapAdminKey);
        if (token is null) return;
        if (security.Value.BootstrapAdminKey is null) logger.LogWarning("{Banner}: {Token}", Banner, token);
        else logger.LogWarning("Bootstrap admin API key taken from MarketingActors:Security:BootstrapAdminKey (a well-known development key; do not use it beyond a laptop)");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
