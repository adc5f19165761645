using MarketingActors.Hosting;
using MarketingActors.Storage.Postgres;
using MarketingActors.Tests.Support;
using Npgsql;

namespace MarketingActors.Tests.Grains.Storage.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class SchemaMigrationSpec(PostgresServer postgres)
{
    [SkippableFact]
    public async Task Migrating_twice_applies_every_script_once_and_leaves_the_schema_verified()
    {
        var database = await postgres.CreateDatabase();

        var first = await ClusterDatabase.Migrate(database);
        var second = await ClusterDatabase.Migrate(database);
        await ClusterDatabase.Verify(database);

        Assert.Equal(ClusterDatabase.Migrations.Select(m => m.Version), first);
        Assert.Empty(second);
        Assert.True(await DatabaseRows.Count(database, "SELECT count(*) FROM OrleansQuery") >= 20);
    }

    [SkippableFact]
    public async Task A_migrated_database_that_lost_an_engine_table_fails_start_up_naming_it()
    {
        var database = await postgres.CreateDatabase();
        await ClusterDatabase.Migrate(database);
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand("DROP TABLE ma_customer_snapshots", connection);
            await drop.ExecuteNonQueryAsync();
        }

        var failure = await Assert.ThrowsAsync<StartupFailure>(() => ClusterDatabase.Verify(database));

        Assert.Contains($"at {ClusterDatabase.LatestVersion} but lacks ma_customer_snapshots", failure.Message);
        Assert.DoesNotContain("\n", failure.Message);
    }

    [SkippableFact]
    public async Task A_database_without_the_schema_fails_start_up_with_one_clear_line()
    {
        var database = await postgres.CreateDatabase();

        var failure = await Assert.ThrowsAsync<StartupFailure>(() => ClusterDatabase.Verify(database));

        Assert.Contains("schema is missing", failure.Message);
        Assert.Contains("migrate", failure.Message);
        Assert.DoesNotContain("\n", failure.Message);
    }

    [SkippableFact]
    public async Task An_unreachable_database_fails_start_up_with_one_clear_line()
    {
        Skip.If(postgres.MissingReason is not null, postgres.MissingReason);
        var nowhere = $"Host=127.0.0.1;Port={EmbeddedEngine.FreePort()};Username=postgres;Database=x;Timeout=2";

        var failure = await Assert.ThrowsAsync<StartupFailure>(() => ClusterDatabase.Verify(nowhere));
        var malformed = await Assert.ThrowsAsync<StartupFailure>(() => ClusterDatabase.Verify("Hots=nowhere;;Bogus"));

        Assert.StartsWith("cannot reach PostgreSQL at 127.0.0.1:", failure.Message);
        Assert.Contains("not a valid connection string", malformed.Message);
    }
}
