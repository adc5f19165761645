namespace MarketingActors.Services.Campaigns;

/// <summary>The name this silo holds budget leases under.</summary>
public sealed record SiloIdentity(string Name);
