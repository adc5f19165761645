using MarketingActors.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace MarketingActors.Tests.Silo;

/// <summary>
/// ASP.NET Core starts an Activity and a logging scope for every request whenever its hosting
/// diagnostics logger is enabled at any level, even with request logs filtered out; the shipped
/// settings switch that category off (a quarter of a no-op request's allocations) and keep every
/// other framework warning.
/// </summary>
public sealed class HostLoggingSpec
{
    [Theory]
    [InlineData("Silo")]
    [InlineData("Gateway")]
    public void Shipped_settings_build_no_per_request_hosting_scope_and_keep_framework_warnings(string host)
    {
        var settings = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepositoryPaths.Root, "src", host, "appsettings.json")).Build();
        using var loggers = LoggerFactory.Create(logging => logging.AddConfiguration(settings.GetSection("Logging")).AddProvider(new CapturedLogs()));

        Assert.False(loggers.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Critical));
        Assert.True(loggers.CreateLogger("Microsoft.AspNetCore.Server.Kestrel").IsEnabled(LogLevel.Warning));
        Assert.True(loggers.CreateLogger("Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware").IsEnabled(LogLevel.Error));
    }
}
