using BenchmarkDotNet.Running;

namespace MarketingActors.Benchmarks;

/// <summary>
/// dotnet run -c Release --project bench/MarketingActors.Benchmarks -- --filter '*'
/// (any BenchmarkDotNet switch works: --list flat, --filter '*Scoring*', --job short, ...);
/// `-- agent-latency [rounds]` runs <see cref="AgentLatency"/> instead, `-- cost-curve 1000,100000,1000000` <see cref="CostCurve"/>,
/// `-- cold-activation load|touch …` <see cref="ColdActivation"/> (driven by bench/http/cold-activation.sh),
/// `-- gc-pauses PID SECONDS` <see cref="GcPauses"/> (driven by `PROFILER=gc bash bench/http/profile.sh`),
/// `-- segment-codecs [rounds]` <see cref="SegmentCodecs"/>, `-- dedup-window [rounds]` <see cref="DedupWindow"/>.
/// </summary>
public static class Program
{
    public static async Task Main(string[] args)
    {
        if (args is ["agent-latency", ..]) await AgentLatency.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10);
        else if (args is ["cost-curve", ..])
            await CostCurve.Run([.. (args.Length > 1 ? args[1] : "1000,100000,1000000").Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture))]);
        else if (args is ["cold-activation", .. var rest]) await ColdActivation.Run(rest);
        else if (args is ["gc-pauses", .. var target]) await GcPauses.Run(target);
        else if (args is ["segment-codecs", ..]) SegmentCodecs.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10);
        else if (args is ["dedup-window", ..]) DedupWindow.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5);
        else BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
