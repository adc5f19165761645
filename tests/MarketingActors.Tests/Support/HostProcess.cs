using System.Diagnostics;

namespace MarketingActors.Tests.Support;

/// <summary>A silo or gateway as its own OS process, so a test can kill -9 it. Output goes to a log file for post-mortems.</summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;

    public string Name { get; }
    public int HttpPort { get; }
    public string LogFile { get; }
    public HttpClient Http { get; }

    private HostProcess(string name, Process process, int httpPort, string logFile)
    {
        Name = name;
        _process = process;
        HttpPort = httpPort;
        LogFile = logFile;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public static HostProcess Start(string name, string assembly, string logDirectory, IEnumerable<string> arguments)
    {
        var httpPort = EmbeddedEngine.FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{httpPort}");
        foreach (var a in arguments) start.ArgumentList.Add(a);
        var logFile = Path.Combine(logDirectory, name + ".log");
        var log = new StreamWriter(logFile) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new HostProcess(name, process, httpPort, logFile);
    }

    public async Task WaitReady(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}: {await File.ReadAllTextAsync(LogFile)}");
            try
            {
                if ((await Http.GetAsync("/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{Name} not ready after {timeout}: {await File.ReadAllTextAsync(LogFile)}");
    }

    /// <summary>SIGKILL: no shutdown hooks, no snapshot, no lease return.</summary>
    public void Kill9()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, as an orchestrator stops a pod: the graceful path. Returns the exit code.</summary>
    public async Task<int> Terminate(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) await kill.WaitForExitAsync();
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
