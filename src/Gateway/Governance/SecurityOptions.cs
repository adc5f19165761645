using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace MarketingActors.Gateway.Governance;

public sealed partial class SecurityOptions : IValidatableObject
{
    public const string Section = "MarketingActors:Security";

    /// <summary>Off only for local experiments: every request then acts as an anonymous admin.</summary>
    public bool RequireApiKeys { get; set; } = true;

    /// <summary>
    /// A well-known bootstrap admin key for scripted dev set-ups. Unset (the default), the engine
    /// creates a random one on first start and prints it once.
    /// </summary>
    public string? BootstrapAdminKey { get; set; }

    /// <summary>Requests one key may make per <see cref="RateWindow"/>; beyond it, 429 rate_limited.</summary>
    [Range(1, 10_000_000)] public int RequestsPerWindow { get; set; } = 60_000;

    public TimeSpan RateWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long the gateway keeps an authenticated key before asking the registry again. Revocation
    /// does not wait for it: the registry empties every gateway's cache before a revocation is answered.
    /// </summary>
    public TimeSpan KeyCacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a browser session lasts after signing in (it ends sooner when its key is revoked).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    [GeneratedRegex("^ma_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$")]
    private static partial Regex KeyPattern();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (BootstrapAdminKey is { } key && !KeyPattern().IsMatch(key))
            yield return new ValidationResult("BootstrapAdminKey must look like ma_<12 hex>_<43 base64url characters>", [nameof(BootstrapAdminKey)]);
        if (RateWindow < TimeSpan.FromSeconds(1) || RateWindow > TimeSpan.FromHours(1))
            yield return new ValidationResult("RateWindow must be in [1 s, 1 h]", [nameof(RateWindow)]);
        if (KeyCacheTtl < TimeSpan.Zero || KeyCacheTtl > TimeSpan.FromMinutes(5))
            yield return new ValidationResult("KeyCacheTtl must be in [0, 5 min]", [nameof(KeyCacheTtl)]);
        if (SessionLifetime < TimeSpan.FromMinutes(1) || SessionLifetime > TimeSpan.FromDays(30))
            yield return new ValidationResult("SessionLifetime must be in [1 min, 30 days]", [nameof(SessionLifetime)]);
    }
}
