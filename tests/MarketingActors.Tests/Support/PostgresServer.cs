using System.Diagnostics;
using Npgsql;

namespace MarketingActors.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL cluster from the Debian binaries (initdb as the postgres user when
/// running as root), on a free loopback port, deleted afterwards. Each test gets its own database.
/// `.ci/run` installs the binaries; where they are absent the PostgreSQL specs skip with that reason.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string? _dataDirectory;
    private string? _bin;

    public int Port { get; } = EmbeddedEngine.FreePort();
    /// <summary>Server connection slots; a spec about connection pools lowers it to make exhaustion visible.</summary>
    public int MaxConnections { get; init; } = 300;
    public string? MissingReason { get; private set; }

    public async Task InitializeAsync()
    {
        _bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        if (_bin is null)
        {
            MissingReason = "PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)";
            return;
        }
        _dataDirectory = Path.Combine(Path.GetTempPath(), "ma-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dataDirectory);
        var asRoot = Environment.UserName == "root";
        if (asRoot) await Run("chown", $"postgres:postgres {_dataDirectory}");
        await Run(Path.Combine(_bin, "initdb"), $"-D {_dataDirectory} -U postgres -A trust --no-sync -E UTF8", asRoot);
        await Start();
    }

    public async Task DisposeAsync()
    {
        if (_bin is null || _dataDirectory is null) return;
        await Stop();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    /// <summary>Stops the server (immediately, like a crash or an outage); <see cref="Start"/> brings it back on the same port.</summary>
    public Task Stop() => Run(Path.Combine(_bin!, "pg_ctl"), $"-D {_dataDirectory} -m immediate -w stop", Environment.UserName == "root", check: false);

    public Task Start() => Run(Path.Combine(_bin!, "pg_ctl"),
        $"-D {_dataDirectory} -l {_dataDirectory}/server.log -w -o \"-p {Port} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections={MaxConnections}\" start",
        Environment.UserName == "root");

    /// <summary>A fresh, empty database and its connection string.</summary>
    public async Task<string> CreateDatabase(string prefix = "ma")
    {
        Skip.If(MissingReason is not null, MissingReason);
        var name = $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 13)];
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=5;Command Timeout=10";

    private static async Task Run(string file, string arguments, bool asPostgres = false, bool check = true)
    {
        var start = asPostgres
            ? new ProcessStartInfo("runuser", $"-u postgres -- {file} {arguments}")
            : new ProcessStartInfo(file, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = "/tmp";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (check && process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {arguments} exited {process.ExitCode}: {await error}{await output}");
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "throwaway PostgreSQL";
}
