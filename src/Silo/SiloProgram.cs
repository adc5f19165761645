using MarketingActors.Hosting;
using MarketingActors.Silo.Hosting;
using MarketingActors.Storage.Postgres;
using Microsoft.Extensions.Options;

namespace MarketingActors.Silo;

/// <summary>
/// `dotnet run --project src/Silo` starts a silo (embedded by default);
/// `dotnet run --project src/Silo -- migrate` applies the PostgreSQL schema and exits.
/// </summary>
public static class SiloProgram
{
    public static async Task<int> Main(string[] args)
    {
        try
        {
            if (args.FirstOrDefault() == "migrate") return await Migrate(args[1..]);
            await (await SiloComposition.Build(args)).RunAsync();
            return 0;
        }
        catch (StartupFailure e)
        {
            await Console.Error.WriteLineAsync("marketing-actors: " + e.Message);
            return 2;
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync("marketing-actors: invalid configuration: " + string.Join("; ", e.Failures));
            return 2;
        }
    }

    private static async Task<int> Migrate(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();
        var applied = await ClusterDatabase.Migrate(ClusterDatabase.ConnectionString(configuration));
        Console.WriteLine(applied.Count == 0
            ? $"schema is up to date ({ClusterDatabase.LatestVersion})"
            : $"applied {string.Join(", ", applied)}; schema is at {ClusterDatabase.LatestVersion}");
        return 0;
    }
}
