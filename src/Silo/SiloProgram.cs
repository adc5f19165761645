using MarketingActors.Silo.Hosting;

namespace MarketingActors.Silo;

public static class SiloProgram
{
    public static async Task Main(string[] args) => await SiloComposition.Build(args).RunAsync();
}
