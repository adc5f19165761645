using MarketingActors.Replay;

// dotnet run --project tools/Replay -- hillstrom ../shared/datasets/hillstrom.csv [--limit N] [--holdout P] [--seeds 1,2,3] [--orders shuffled,reversed] [--policy contextual|segment_thompson] [--prior cross-fit] [--url http://host:port [--salt <the engine's MarketingActors:Measurement:Salt>]]
// dotnet run --project tools/Replay -- obd ../shared/datasets/obd-men [--limit N] [--url http://host:port]
// dotnet run --project tools/Replay -- insight [--repeat N] [--url http://host:port]
// dotnet run --project tools/Replay -- synthetic [--seeds 1,2,3,4,5]
// dotnet run --project tools/Replay -- hillstrom-bound ../shared/datasets/hillstrom.csv [--seeds 11,12,13,14,15] [--many 100] [--many-from 1000]
// Without --url the embedded engine is started in this process (in-memory, loopback ports); with --url the
// replay sends the API key in MA_API_KEY (an admin or campaign-owner key) as a Bearer token.
if (args is ["synthetic", ..])
{
    var seeds = (Option("--seeds") ?? "1,2,3,4,5").Split(',').Select(int.Parse).ToArray();
    var runs = new List<MarketingActors.Replay.Synthetic.SyntheticRun>();
    foreach (var world in new[] { true, false })
    foreach (var policy in new[] { MarketingActors.Replay.Synthetic.SyntheticBenchmark.Contextual, MarketingActors.Replay.Synthetic.SyntheticBenchmark.ContextFree, MarketingActors.Replay.Synthetic.SyntheticBenchmark.Uniform })
    foreach (var seed in seeds)
        runs.Add(MarketingActors.Replay.Synthetic.SyntheticBenchmark.Run(policy, world, seed, [10_000, 50_000, 200_000]));
    MarketingActors.Replay.Synthetic.SyntheticBenchmark.Print(runs, Console.Out);
    Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(runs.Select(r => new { r.Policy, r.ContextEffects, r.Seed, checkpoints = r.Checkpoints.Select(c => new { c.Decisions, c.FractionOfOracle }) })));
    return 0;
}
if (args is ["hillstrom-bound", var file, ..])
{
    HillstromBound.Print(HillstromRow.Read(Resolve(file), limit: null), (Option("--seeds") ?? "11,12,13,14,15").Split(',').Select(int.Parse), int.Parse(Option("--many") ?? "100"),
        int.Parse(Option("--many-from") ?? "1000"), Console.Out);
    return 0;
}
if (args.Length < 1 || args[0] is not ("hillstrom" or "obd" or "insight") || args[0] != "insight" && args.Length < 2)
{
    Console.Error.WriteLine("usage: replay hillstrom <hillstrom.csv> | obd <obd-men folder> | insight  [--limit N] [--holdout P] [--seeds 1,2,3] [--orders shuffled,reversed] [--policy contextual|segment_thompson] [--repeat N] [--url URL]");
    return 2;
}
string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
// `dotnet run --project` starts in the project folder: paths are taken relative to the repository root as documented.
string Resolve(string path)
{
    if (Path.IsPathRooted(path) || File.Exists(path) || Directory.Exists(path)) return path;
    for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "MarketingActors.sln"))) return Path.GetFullPath(Path.Combine(dir.FullName, path));
    return path;
}
var source = args[0] == "insight" ? "" : Resolve(args[1]);
var limit = Option("--limit") is { } l ? int.Parse(l) : (int?)null;
if (args[0] == "hillstrom")
{
    // Every run on a fresh engine (embedded), or, against --url, on a campaign of its own completed when the run ends.
    var rows = HillstromRow.Read(source, limit);
    var policy = Option("--policy") is "segment_thompson" ? HillstromReplay.SegmentThompsonPolicy : HillstromReplay.ContextualPolicy;
    var orders = (Option("--orders") ?? "shuffled,reversed").Split(',');
    // --prior cross-fit: each half of the seed's shuffle replayed with the other half's results as the campaign's prior test.
    var crossFit = Option("--prior") switch
    {
        null => false,
        "cross-fit" => true,
        var other => throw new ArgumentException($"--prior {other}: cross-fit is the only prior the replay can give without using the rows it reports"),
    };
    var results = new List<HillstromResult>();
    foreach (var seed in (Option("--seeds") ?? "1").Split(',').Select(int.Parse))
    foreach (var (fold, replayed, prior) in crossFit ? HillstromReplay.CrossFitFolds(rows, seed) : [("", HillstromReplay.Shuffle(rows, seed), [])])
    foreach (var order in orders)
    {
        var label = fold.Length == 0 ? $"seed {seed} {order}" : $"seed {seed} {fold} {order}";
        Console.WriteLine($"## {label}");
        var ordered = HillstromReplay.InOrder(replayed, reversed: order == "reversed");
        var runPolicy = crossFit ? HillstromReplay.WithPriorTest(policy, HillstromReplay.PriorTestOf(prior, $"Hillstrom, seed {seed}, the other fold")) : policy;
        await using var fresh = await Engine.Start(Option("--url"), Environment.GetEnvironmentVariable("MA_API_KEY"));
        var result = await HillstromReplay.Run(fresh, ordered, holdoutPercent: Option("--holdout") is { } h ? int.Parse(h) : 30,
            policy: runPolicy, log: Console.Out, holdoutSalt: Option("--salt")) with { Label = label };
        HillstromReplay.Print(result, Console.Out);
        results.Add(result);
    }
    HillstromReplay.PrintRuns(results, Console.Out);
    return 0;
}
await using var engine = await Engine.Start(Option("--url"), Environment.GetEnvironmentVariable("MA_API_KEY"));
if (args[0] == "insight")
{
    var repeat = Option("--repeat") is { } n ? int.Parse(n) : 5;
    for (var i = 0; i < repeat; i++)
    {
        var t = await InsightLatency.Measure(engine);
        Console.WriteLine($"run {i + 1}: outcome → campaign posterior {t.ToCampaign.TotalMilliseconds:0} ms, → changed decision {t.ToDecision.TotalMilliseconds:0} ms");
    }
}
else
{
    var items = File.ReadLines(Path.Combine(source, "item_context.csv")).Count() - 1;
    var estimates = new List<OffPolicyEstimate>();
    foreach (var name in new[] { "random", "bts" })
        estimates.Add(await ObdReplay.Run(engine, name, ObdImpression.Read(Path.Combine(source, name + ".csv"), limit), items));
    ObdReplay.Print(estimates, Console.Out);
}
return 0;
