namespace MarketingActors.Tests.Support;

/// <summary>The repository root (found from the test binaries) and the shared datasets beside it.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>../shared/datasets from the repository root; never copied into the repository.</summary>
    public static string Datasets => Path.GetFullPath(Path.Combine(Root, "..", "shared", "datasets"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MarketingActors.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("MarketingActors.sln not found above " + AppContext.BaseDirectory);
    }
}
