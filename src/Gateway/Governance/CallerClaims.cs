namespace MarketingActors.Gateway.Governance;

/// <summary>
/// Marks routes whose framework code reads the caller from HttpContext.User (the MCP sessions bind
/// to the caller's name claim). Everywhere else the engine reads its own <see cref="MarketingActors.Governance.Principal"/>,
/// and a claims principal per request would be built for nobody: it was a third of what a no-op
/// request allocated (docs/benchmarks-history.md, 2026-12-06, third session).
/// </summary>
public sealed class CallerClaims
{
    public static readonly CallerClaims Instance = new();
}

public static class CallerClaimsExtensions
{
    public static TBuilder PutsCallerInClaims<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(CallerClaims.Instance);
}
