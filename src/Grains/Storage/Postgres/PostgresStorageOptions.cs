using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MarketingActors.Storage.Postgres;

/// <summary>Where the engine's durable state lives and how many connections one silo may hold there.</summary>
public sealed class PostgresStorageOptions
{
    /// <summary>The server and database (pool sizes in it are overridden by <see cref="Pools"/>).</summary>
    public string ConnectionString { get; set; } = "";

    public DatabasePoolOptions Pools { get; set; } = new();

    /// <summary>Orleans' ADO.NET providers: membership, reminders, campaign and governance state.</summary>
    public string OrleansConnectionString => Pools.Bounded(ConnectionString, Pools.OrleansPoolSize);

    /// <summary>The engine's own tables: journal, customer snapshots, audit log, training rows.</summary>
    public string EngineConnectionString => Pools.Bounded(ConnectionString, Pools.JournalPoolSize, Pools.EnginePreparedStatements);
}

/// <summary>Refuses a silo whose database settings cannot work, before it starts: one message per problem.</summary>
public sealed class PostgresStorageOptionsValidator(IOptions<JournalOptions> journal, IOptions<CustomerSnapshotOptions> snapshots) : IValidateOptions<PostgresStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresStorageOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString)) problems.Add($"ConnectionStrings:{ClusterDatabase.ConnectionStringName} is empty");
        else
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            }
            catch (ArgumentException e)
            {
                problems.Add($"ConnectionStrings:{ClusterDatabase.ConnectionStringName} is not a PostgreSQL connection string: {e.Message}");
            }
        }
        var pools = new List<ValidationResult>();
        Validator.TryValidateObject(options.Pools, new ValidationContext(options.Pools), pools, validateAllProperties: true);
        problems.AddRange(pools.Select(p => $"{DatabasePoolOptions.Section}: {p.ErrorMessage}"));
        var needed = journal.Value.Connections + snapshots.Value.Connections;
        if (options.Pools.JournalPoolSize < needed)
            problems.Add($"{DatabasePoolOptions.Section}: JournalPoolSize {options.Pools.JournalPoolSize} is below the {needed} connections of the journal (Writers + TailReaders: {journal.Value.Connections}) and the customer snapshots (Readers + Writers: {snapshots.Value.Connections})");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
