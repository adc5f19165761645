namespace MarketingActors.Tests.Support;

/// <summary>Where things are on a checkout: the repository root, built hosts, and ../shared/datasets.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Datasets => Path.GetFullPath(Path.Combine(Root, "..", "shared", "datasets"));

    /// <summary>The built host assembly of a src/ project, in the configuration the tests were built in.</summary>
    public static string HostAssembly(string project, string assembly)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        return Path.Combine(Root, "src", project, "bin", configuration, "net10.0", assembly + ".dll");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MarketingActors.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("MarketingActors.sln not found above " + AppContext.BaseDirectory);
    }
}
