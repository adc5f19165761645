using MarketingActors.Learning;
using Npgsql;
using NpgsqlTypes;

namespace MarketingActors.Storage.Postgres;

/// <summary>
/// The cluster-mode row buffer: an append-only PostgreSQL table (deploy/sql/004), bounded by
/// deleting the oldest rows past <c>capacity</c>, plus a one-row cursor that records which rows a
/// training round has seen. Rows and the cadence survive a restart of the whole cluster.
/// </summary>
public sealed class PostgresTrainingRowBuffer(NpgsqlDataSource database, int capacity) : ITrainingRowBuffer
{
    private long _snapshotThrough;

    public int Count { get; private set; }

    public int SinceTraining { get; private set; }

    public async Task Open()
    {
        await using var command = database.CreateCommand(
            "SELECT count(*), count(*) FILTER (WHERE id > coalesce((SELECT trained_through FROM ma_training_cursor), 0)) FROM ma_training_rows");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Count = (int)reader.GetInt64(0);
        SinceTraining = (int)reader.GetInt64(1);
    }

    public async Task Add(IReadOnlyList<TrainingRow> rows)
    {
        if (rows.Count == 0) return;
        await using var connection = await database.OpenConnectionAsync();
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY ma_training_rows (at, features, converted, value, model_version, score, customer_id) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var row in rows)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(row.At, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(row.Features, NpgsqlDbType.Array | NpgsqlDbType.Real);
                await copy.WriteAsync(row.Converted, NpgsqlDbType.Boolean);
                await copy.WriteAsync(row.Value, NpgsqlDbType.Double);
                await copy.WriteAsync(row.ModelVersion, NpgsqlDbType.Varchar);
                await copy.WriteAsync(row.Score, NpgsqlDbType.Double);
                if (row.CustomerId is null) await copy.WriteNullAsync();
                else await copy.WriteAsync(row.CustomerId, NpgsqlDbType.Varchar);
            }
            await copy.CompleteAsync();
        }
        Count += rows.Count;
        SinceTraining += rows.Count;
        if (Count <= capacity) return;
        // Ids grow with every insert and only this buffer inserts: the newest `capacity` rows are the highest ids.
        await using var trim = new NpgsqlCommand("DELETE FROM ma_training_rows WHERE id <= (SELECT max(id) FROM ma_training_rows) - $1", connection);
        trim.Parameters.AddWithValue((long)capacity);
        Count -= await trim.ExecuteNonQueryAsync();
    }

    public async Task<IReadOnlyList<TrainingRow>> Snapshot()
    {
        var rows = new List<TrainingRow>(Count);
        await using var command = database.CreateCommand(
            "SELECT id, at, features, converted, value, model_version, score, customer_id FROM ma_training_rows ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync();
        var through = _snapshotThrough;
        while (await reader.ReadAsync())
        {
            through = reader.GetInt64(0);
            rows.Add(new TrainingRow
            {
                At = reader.GetFieldValue<DateTimeOffset>(1),
                Features = reader.GetFieldValue<float[]>(2),
                Converted = reader.GetBoolean(3),
                Value = reader.GetDouble(4),
                ModelVersion = reader.GetString(5),
                Score = reader.GetDouble(6),
                CustomerId = reader.IsDBNull(7) ? null : reader.GetString(7),
            });
        }
        _snapshotThrough = through;
        return rows;
    }

    public async Task MarkTrained()
    {
        await using var connection = await database.OpenConnectionAsync();
        await using (var cursor = new NpgsqlCommand(
            """
            INSERT INTO ma_training_cursor (id, trained_through) VALUES (1, $1)
            ON CONFLICT (id) DO UPDATE SET trained_through = greatest(ma_training_cursor.trained_through, excluded.trained_through)
            """, connection))
        {
            cursor.Parameters.AddWithValue(_snapshotThrough);
            await cursor.ExecuteNonQueryAsync();
        }
        await using var since = new NpgsqlCommand("SELECT count(*) FROM ma_training_rows WHERE id > $1", connection);
        since.Parameters.AddWithValue(_snapshotThrough);
        SinceTraining = (int)(long)(await since.ExecuteScalarAsync())!;
    }
}
