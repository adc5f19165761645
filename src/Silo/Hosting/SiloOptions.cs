using System.ComponentModel.DataAnnotations;
using MarketingActors.Hosting;

namespace MarketingActors.Silo.Hosting;

public enum EngineMode
{
    /// <summary>One process, localhost clustering, in-memory storage: nothing to install, nothing durable.</summary>
    Embedded,
    /// <summary>PostgreSQL for membership, grain state, reminders and the event journal; any number of silos.</summary>
    Cluster,
}

/// <summary>How this silo joins a cluster and where it keeps state.</summary>
public sealed class SiloOptions : IValidatableObject
{
    public const string Section = "MarketingActors:Silo";

    public EngineMode Mode { get; set; } = EngineMode.Embedded;
    [Range(1, 65535)] public int SiloPort { get; set; } = 11111;
    [Range(1, 65535)] public int GatewayPort { get; set; } = 30000;
    /// <summary>Cluster mode: the IP other silos and gateways reach this one at, or "auto" for this host name's IPv4 address (containers).</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    public const string AutoAddress = "auto";

    /// <summary>
    /// Cluster mode: where the Orleans silo and gateway ports listen. Empty (the default): on the
    /// advertised address only; "any" for every interface (0.0.0.0), or an IP of this host.
    /// Embedded mode always listens on loopback.
    /// </summary>
    public string? ListenAddress { get; set; }

    public const string AnyAddress = "any";
    [Required] public string ClusterId { get; set; } = "marketing-actors";
    [Required] public string ServiceId { get; set; } = "marketing-actors";
    /// <summary>Cluster mode: apply the schema at start-up instead of by `migrate`.</summary>
    public bool MigrateOnStart { get; set; }
    /// <summary>Serves the Orleans dashboard at /dashboard.</summary>
    public bool Dashboard { get; set; }
    /// <summary>Minimum period of Orleans reminders (the customer wake-up timer); lowered only in tests.</summary>
    public TimeSpan MinimumReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>How long a graceful stop may take (grains deactivate, the journal drains); keep it below the orchestrator's grace period.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(45);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (AdvertisedAddress != AutoAddress && !System.Net.IPAddress.TryParse(AdvertisedAddress, out _))
            yield return new($"AdvertisedAddress '{AdvertisedAddress}' is neither an IP address nor \"{AutoAddress}\"", [nameof(AdvertisedAddress)]);
        if (ListenAddress is { Length: > 0 } listen && listen != AnyAddress && !System.Net.IPAddress.TryParse(listen, out _))
            yield return new($"ListenAddress '{listen}' is neither an IP address nor \"{AnyAddress}\"", [nameof(ListenAddress)]);
        if (SiloPort == GatewayPort) yield return new("SiloPort and GatewayPort must differ", [nameof(GatewayPort)]);
        if (MinimumReminderPeriod <= TimeSpan.Zero) yield return new("MinimumReminderPeriod must be positive", [nameof(MinimumReminderPeriod)]);
        if (ShutdownTimeout <= TimeSpan.Zero) yield return new("ShutdownTimeout must be positive", [nameof(ShutdownTimeout)]);
    }

    /// <summary>Reads and validates the section, failing with one line that names the problem.</summary>
    public static SiloOptions From(IConfiguration configuration)
    {
        SiloOptions options;
        try
        {
            options = configuration.GetSection(Section).Get<SiloOptions>() ?? new SiloOptions();
        }
        catch (InvalidOperationException e)
        {
            throw new StartupFailure($"{Section}: {e.Message}");
        }
        var problems = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), problems, validateAllProperties: true))
            throw new StartupFailure($"{Section}: {string.Join("; ", problems.Select(p => p.ErrorMessage))}");
        return options;
    }
}
