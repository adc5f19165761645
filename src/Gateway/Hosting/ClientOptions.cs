using System.ComponentModel.DataAnnotations;

namespace MarketingActors.Gateway.Hosting;

/// <summary>How a stand-alone gateway finds the silo cluster.</summary>
public sealed class ClientOptions
{
    public const string Section = "MarketingActors:Client";

    /// <summary>Localhost: silos on this machine (dev). AdoNet: cluster membership in PostgreSQL (ConnectionStrings:Postgres).</summary>
    [Required] public string Clustering { get; set; } = "Localhost";

    [Range(1, 65535)] public int SiloGatewayPort { get; set; } = 30000;

    [Required] public string ClusterId { get; set; } = "marketing-actors";
    [Required] public string ServiceId { get; set; } = "marketing-actors";
}
