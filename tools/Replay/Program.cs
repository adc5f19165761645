using MarketingActors.Replay;

// dotnet run --project tools/Replay -- hillstrom ../shared/datasets/hillstrom.csv [--limit N] [--holdout P] [--seeds 1,2,3] [--segments off|JSON] [--url http://host:port]
// dotnet run --project tools/Replay -- obd ../shared/datasets/obd-men [--limit N] [--url http://host:port]
// dotnet run --project tools/Replay -- insight [--repeat N] [--url http://host:port]
// Without --url the embedded engine is started in this process (in-memory, loopback ports); with --url the
// replay sends the API key in MA_API_KEY (an admin or campaign-owner key) as a Bearer token.
if (args.Length < 1 || args[0] is not ("hillstrom" or "obd" or "insight") || args[0] != "insight" && args.Length < 2)
{
    Console.Error.WriteLine("usage: replay hillstrom <hillstrom.csv> | obd <obd-men folder> | insight  [--limit N] [--holdout P] [--seeds 1,2,3] [--segments off|JSON] [--repeat N] [--url URL]");
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
await using var engine = await Engine.Start(Option("--url"), Environment.GetEnvironmentVariable("MA_API_KEY"));
if (args[0] == "hillstrom")
{
    var rows = HillstromRow.Read(source, limit);
    var segments = Option("--segments") is { } sg ? (sg == "off" ? null : sg) : HillstromReplay.DefaultSegments;
    var results = new List<HillstromResult>();
    foreach (var seed in (Option("--seeds") ?? "1").Split(',').Select(int.Parse))
    {
        Console.WriteLine($"## seed {seed}");
        var result = await HillstromReplay.Run(engine, HillstromReplay.Shuffle(rows, seed), holdoutPercent: Option("--holdout") is { } h ? int.Parse(h) : 30,
            segments: segments, log: Console.Out);
        HillstromReplay.Print(result, Console.Out);
        results.Add(result);
    }
    if (results.Count > 1) HillstromReplay.PrintSeeds(results, Console.Out);
}
else if (args[0] == "insight")
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
