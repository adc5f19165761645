using BenchmarkDotNet.Running;

namespace MarketingActors.Benchmarks;

/// <summary>
/// dotnet run -c Release --project bench/MarketingActors.Benchmarks -- --filter '*'
/// (any BenchmarkDotNet switch works: --list flat, --filter '*Scoring*', --job short, ...)
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
