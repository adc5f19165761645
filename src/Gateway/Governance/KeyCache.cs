using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using MarketingActors.Governance;
using Microsoft.Extensions.Options;

namespace MarketingActors.Gateway.Governance;

/// <summary>
/// This gateway's memory of authenticated keys and sessions, so ingestion does not ask the
/// registry per request. It only speeds up: the registry pushes every revocation here before the
/// revocation is answered, and the cache trusts itself only while its subscription to those pushes
/// is confirmed (<see cref="KeyRevocation.Lease"/>); past that, every request asks the registry.
/// </summary>
public sealed class KeyCache(IGrainFactory grains, IOptions<SecurityOptions> security, TimeProvider clock, ILogger<KeyCache> logger)
    : BackgroundService, IKeyRevocationObserver
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _epoch = -1;
    private long _trustedUntil;
    private IKeyRevocationObserver? _reference;

    private const int MaxEntries = 100_000;

    private readonly record struct Entry(Principal Principal, long ExpiresAt);

    private IPrincipalRegistryGrain Registry => grains.GetGrain<IPrincipalRegistryGrain>(0);

    public ValueTask<Principal?> Key(string token) => Lookup("k:", token, static (registry, t) => registry.Authenticate(t));

    public ValueTask<Principal?> Session(string token) => Lookup("s:", token, static (registry, t) => registry.AuthenticateSession(t));

    public Task OnRevoked(long epoch)
    {
        lock (_gate) Forget(epoch);
        return Task.CompletedTask;
    }

    private async ValueTask<Principal?> Lookup(string kind, string token, Func<IPrincipalRegistryGrain, string, Task<Principal?>> ask)
    {
        var now = clock.GetUtcNow().UtcTicks;
        var key = kind + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        if (now < Volatile.Read(ref _trustedUntil) && _entries.TryGetValue(key, out var hit) && hit.ExpiresAt > now) return hit.Principal;
        var epoch = Volatile.Read(ref _epoch);
        var principal = await ask(Registry, token);
        // Refusals are not kept (random tokens must not fill memory); an answer read before a revocation that arrived meanwhile is used once, never kept.
        if (principal is null) return null;
        lock (_gate)
        {
            if (_entries.Count >= MaxEntries) _entries.Clear();
            if (_epoch == epoch) _entries[key] = new Entry(principal, now + security.Value.KeyCacheTtl.Ticks);
        }
        return principal;
    }

    private void Forget(long epoch)
    {
        _entries.Clear();
        _epoch = Math.Max(_epoch, epoch);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var asked = clock.GetUtcNow();
            try
            {
                _reference ??= grains.CreateObjectReference<IKeyRevocationObserver>(this);
                var epoch = await Registry.SubscribeRevocations(_reference).WaitAsync(KeyRevocation.Lease, stoppingToken);
                lock (_gate)
                {
                    if (epoch != _epoch) Forget(epoch);
                }
                Volatile.Write(ref _trustedUntil, (asked + KeyRevocation.Lease).UtcTicks);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Key cache could not renew its revocation subscription ({Reason}); authenticating every request with the registry", e.Message);
            }
            try
            {
                await Task.Delay(KeyRevocation.Resubscribe, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
