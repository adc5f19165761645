using System.Net;
using System.Text;
using MarketingActors.Tests.Support;

namespace MarketingActors.Tests.Silo;

/// <summary>`dotnet run --project src/Silo` stopped the way an operator stops it: SIGTERM with customers live.</summary>
[Collection(OwnEngineCollection.Name)]
public sealed class EmbeddedShutdownSpec
{
    [Fact]
    public async Task SIGTERM_with_hundreds_of_live_customers_ends_within_the_deadline_and_logs_no_failure()
    {
        const string key = "ma_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        var logs = Directory.CreateTempSubdirectory("ma-embedded-stop-").FullName;
        await using var silo = HostProcess.Start("embedded", RepositoryPaths.HostAssembly("Silo", "MarketingActors.Silo"), logs,
        [
            $"--MarketingActors:Security:BootstrapAdminKey={key}",
            $"--MarketingActors:Silo:SiloPort={EmbeddedEngine.FreePort()}",
            $"--MarketingActors:Silo:GatewayPort={EmbeddedEngine.FreePort()}",
            "--MarketingActors:Silo:ShutdownTimeout=00:00:20",
            // Show every failure an operator would see, whatever the default levels.
            "--Logging:LogLevel:Default=Warning",
        ]);
        await silo.WaitReady(TimeSpan.FromSeconds(120));
        silo.Http.DefaultRequestHeaders.Authorization = new("Bearer", key);
        var campaign = """{"id":"live","name":"Live","actions":[{"id":"ad","channel":"ads","variant":"v"}],"journey":{"entryTrigger":"page_view","steps":[{"id":"show","kind":"action"},{"id":"wait","kind":"wait","duration":"1.00:00:00"},{"id":"again","kind":"action"}]},"budget":{"total":10}}""";
        Assert.Equal(HttpStatusCode.Created, (await silo.Http.PostAsync("/v1/campaigns", new StringContent(campaign, Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.PostAsync("/v1/campaigns/live/activate", null)).StatusCode);
        // Customers in a journey's wait hold a wake-up and unsaved state: what used to fail at shutdown.
        var events = string.Join(',', Enumerable.Range(0, 800).Select(i => $$"""{"eventId":"e{{i}}","customerId":"c{{i}}","type":"page_view"}"""));
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.PostAsync("/v1/events", new StringContent($"[{events}]", Encoding.UTF8, "application/json"))).StatusCode);

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        var exitCode = await silo.Terminate(TimeSpan.FromSeconds(60));

        var output = await File.ReadAllLinesAsync(Path.Combine(logs, "embedded.log"));
        Assert.Equal(0, exitCode);
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(20), $"stopping took {stopping.Elapsed}, past the host's 20 s deadline");
        var failures = output.Where(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal)).ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} failure lines, first: {string.Join('\n', output.SkipWhile(l => !l.StartsWith("fail:", StringComparison.Ordinal)).Take(6))}");
    }
}
