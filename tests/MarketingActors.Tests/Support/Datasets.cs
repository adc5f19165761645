namespace MarketingActors.Tests.Support;

/// <summary>The real public datasets in ../shared/datasets next to the repository root (never copied into the repo).</summary>
public static class Datasets
{
    public static string PathOf(string file) => Path.Combine(RepositoryPaths.Datasets, file);

    /// <summary>Header-keyed rows of a comma-separated file; double-quoted fields may hold commas ("6) $750 - $1,000").</summary>
    public static IEnumerable<Dictionary<string, string>> ReadCsv(string file)
    {
        using var reader = new StreamReader(PathOf(file));
        var header = Split(reader.ReadLine()!);
        while (reader.ReadLine() is { Length: > 0 } line)
        {
            var cells = Split(line);
            yield return header.Select((h, i) => (h, cells[i])).ToDictionary(p => p.h, p => p.Item2);
        }
    }

    private static List<string> Split(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted)
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else cell.Append(c);
        }
        cells.Add(cell.ToString());
        return cells;
    }
}
