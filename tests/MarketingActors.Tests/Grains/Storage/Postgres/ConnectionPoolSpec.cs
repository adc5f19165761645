using System.Net;
using System.Text;
using System.Text.Json;
using MarketingActors.Storage.Postgres;
using MarketingActors.Tests.Support;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MarketingActors.Tests.Grains.Storage.Postgres;

/// <summary>Runs its own PostgreSQL with few connection slots, so an unbounded pool would run out of them.</summary>
public sealed class ConnectionPoolSpec : IAsyncLifetime
{
    private const int Slots = 20;
    private readonly PostgresServer _postgres = new() { MaxConnections = Slots };

    public Task InitializeAsync() => _postgres.InitializeAsync();

    public Task DisposeAsync() => _postgres.DisposeAsync();

    [SkippableFact]
    public async Task A_batch_of_500_new_customers_is_fully_accepted_through_small_pools_and_journaled_once_each()
    {
        var database = await _postgres.CreateDatabase();
        await ClusterDatabase.Migrate(database);
        await using var silo = await ClusterSilo.Start(database, "pool-" + Guid.NewGuid().ToString("N")[..6],
            "--MarketingActors:Database:OrleansPoolSize=5", "--MarketingActors:Database:JournalPoolSize=8");
        var batch = "[" + string.Join(",", Enumerable.Range(0, 500).Select(i => $$"""{"eventId":"burst-{{i}}","customerId":"new-{{i}}","type":"page_view"}""")) + "]";

        var answer = await silo.Http.PostAsync("/v1/events", new StringContent(batch, Encoding.UTF8, "application/json"));
        var body = await answer.Content.ReadAsStringAsync();

        Assert.True(answer.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal(500, JsonDocument.Parse(body).RootElement.GetProperty("accepted").GetInt32());
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*), count(DISTINCT event_id) FROM ma_event_journal", connection);
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal((500L, 500L), (reader.GetInt64(0), reader.GetInt64(1)));
    }

    private static ValidateOptionsResult Validate(PostgresStorageOptions options) =>
        new PostgresStorageOptionsValidator(
            Options.Create(new JournalOptions { Writers = 2, TailReaders = 2 }),
            Options.Create(new CustomerSnapshotOptions { Readers = 2, Writers = 1 })).Validate(null, options);

    [Fact]
    public void An_engine_pool_smaller_than_the_journal_and_snapshot_loops_is_refused_before_the_silo_starts()
    {
        var result = Validate(new PostgresStorageOptions { ConnectionString = "Host=db;Database=m", Pools = new() { JournalPoolSize = 6 } });

        Assert.True(result.Failed);
        Assert.Equal(["MarketingActors:Database: JournalPoolSize 6 is below the 7 connections of the journal (Writers + TailReaders: 4) and the customer snapshots (Readers + Writers: 3)"], result.Failures);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("Host=db;NoSuchKeyword=1", "is not a PostgreSQL connection string")]
    public void A_missing_or_unreadable_connection_string_is_refused_with_its_reason(string connectionString, string reason)
    {
        var result = Validate(new PostgresStorageOptions { ConnectionString = connectionString });

        Assert.Contains(reason, Assert.Single(result.Failures!));
    }

    [Fact]
    public void Default_pools_with_a_connection_string_are_valid() =>
        Assert.True(Validate(new PostgresStorageOptions { ConnectionString = "Host=db;Database=m" }).Succeeded);

    [Fact]
    public void Both_pools_are_bounded_in_the_connection_strings_whatever_the_configured_string_says()
    {
        var pools = new DatabasePoolOptions { ConnectionWaitSeconds = 40 };

        var bounded = new NpgsqlConnectionStringBuilder(pools.Bounded("Host=db;Database=m;Maximum Pool Size=100;Timeout=5", 7));

        Assert.Equal(7, bounded.MaxPoolSize);
        Assert.Equal(40, bounded.Timeout);
        Assert.Equal("db", bounded.Host);
        Assert.True(bounded.NoResetOnClose);
    }

    [Fact]
    public void The_engine_pool_keeps_its_statements_prepared_unless_turned_off_and_Orleans_pool_never_whatever_the_configured_string_says()
    {
        var postgres = new PostgresStorageOptions { ConnectionString = "Host=db;Database=m;Max Auto Prepare=500" };

        var engine = new NpgsqlConnectionStringBuilder(postgres.EngineConnectionString);
        var orleans = new NpgsqlConnectionStringBuilder(postgres.OrleansConnectionString);
        postgres.Pools.EnginePreparedStatements = 0;
        var turnedOff = new NpgsqlConnectionStringBuilder(postgres.EngineConnectionString);

        Assert.Equal(32, engine.MaxAutoPrepare);
        Assert.Equal(0, orleans.MaxAutoPrepare);
        Assert.Equal(0, turnedOff.MaxAutoPrepare);
    }
}
