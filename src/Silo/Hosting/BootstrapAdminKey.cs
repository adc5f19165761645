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

    /// <summary>How long start-up keeps asking: silos of a cluster that start together answer slowly until membership settles.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var token = await BootstrapWithRetries(cancellationToken);
        if (token is null) return;
        if (security.Value.BootstrapAdminKey is null) logger.LogWarning("{Banner}: {Token}", Banner, token);
        else logger.LogWarning("Bootstrap admin API key taken from MarketingActors:Security:BootstrapAdminKey (a well-known development key; do not use it beyond a laptop)");
    }

    private async Task<string?> BootstrapWithRetries(CancellationToken cancellationToken)
    {
        var giveUpAt = DateTimeOffset.UtcNow + Patience;
        for (var delay = TimeSpan.FromMilliseconds(250); ; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks)))
        {
            try
            {
                return await grains.GetGrain<IPrincipalRegistryGrain>(0).Bootstrap(security.Value.BootstrapAdminKey);
            }
            catch (Exception e) when (e is TimeoutException or OrleansException && DateTimeOffset.UtcNow + delay < giveUpAt)
            {
                logger.LogWarning("The principal registry did not answer the admin-key bootstrap ({Reason}); retrying in {Delay}", e.Message, delay);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
