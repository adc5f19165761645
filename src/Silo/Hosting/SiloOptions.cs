using System.ComponentModel.DataAnnotations;

namespace MarketingActors.Silo.Hosting;

public enum EngineMode
{
    /// <summary>One process, localhost clustering, in-memory storage: nothing to install, nothing durable.</summary>
    Embedded,
}

/// <summary>How this silo joins a cluster and where it keeps state.</summary>
public sealed class SiloOptions
{
    public const string Section = "MarketingActors:Silo";

    public EngineMode Mode { get; set; } = EngineMode.Embedded;
    [Range(1, 65535)] public int SiloPort { get; set; } = 11111;
    [Range(1, 65535)] public int GatewayPort { get; set; } = 30000;
    /// <summary>Minimum period of Orleans reminders (the customer wake-up timer); lowered only in tests.</summary>
    public TimeSpan MinimumReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
