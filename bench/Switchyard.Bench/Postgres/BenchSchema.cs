using Npgsql;

namespace Switchyard.Bench.Postgres;

/// <summary>
/// A schema of the benchmark's own in the PostgreSQL it was given, dropped with everything in it on dispose: a run
/// neither reads nor leaves rows beside anyone else's.
/// </summary>
internal sealed class BenchSchema : IAsyncDisposable
{
    private readonly string _server;

    private BenchSchema(string server, string name)
    {
        _server = server;
        Name = name;
        var builder = new NpgsqlConnectionStringBuilder(server) { SearchPath = name };
        ConnectionString = builder.ConnectionString;
        Description = $"{builder.Host}:{builder.Port}";
    }

    public string Name { get; }

    /// <summary>The server's connection string with its search path on the schema.</summary>
    public string ConnectionString { get; }

    /// <summary>Host and port, for the report.</summary>
    public string Description { get; }

    public static async Task<BenchSchema> CreateAsync(string server)
    {
        var schema = new BenchSchema(server, "bench_" + Guid.NewGuid().ToString("N"));
        await ExecuteAsync(server, $"CREATE SCHEMA {schema.Name};");
        return schema;
    }

    public async ValueTask DisposeAsync() => await ExecuteAsync(_server, $"DROP SCHEMA {Name} CASCADE;");

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
