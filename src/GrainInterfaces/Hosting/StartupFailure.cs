namespace MarketingActors.Hosting;

/// <summary>A misconfiguration found before the host starts: reported as one line, exit code 2.</summary>
public sealed class StartupFailure(string message) : Exception(message);
