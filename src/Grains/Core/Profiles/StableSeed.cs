namespace MarketingActors.Core.Profiles;

/// <summary>A process-independent seed (FNV-1a) so the same customer history replays to the same Thompson draws.</summary>
public static class StableSeed
{
    public static int Of(string a, string b, long c, long d)
    {
        var hash = 2166136261u;
        foreach (var ch in a) hash = (hash ^ ch) * 16777619u;
        hash = (hash ^ '|') * 16777619u;
        foreach (var ch in b) hash = (hash ^ ch) * 16777619u;
        hash = (hash ^ (uint)c) * 16777619u;
        hash = (hash ^ (uint)(c >> 32)) * 16777619u;
        hash = (hash ^ (uint)d) * 16777619u;
        return unchecked((int)hash);
    }
}
