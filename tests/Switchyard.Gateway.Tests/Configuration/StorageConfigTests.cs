using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Tests.Configuration;

/// <summary><c>storage:</c> as the file says it: SQLite (the default) or PostgreSQL, with every mistake named by key and line.</summary>
public sealed class StorageConfigTests
{
    private const string Routes = """
        providers:
          vllm: { kind: openai, base_url: http://localhost:8000/v1 }
        deployments:
          llama: { provider: vllm, model: llama }
        routes:
          chat: { deployments: [llama] }
        """;

    [Fact]
    public void Parse_Postgres_ReadsTheConnectionPoolAndSpill()
    {
        var result = Parse("""
            storage:
              kind: postgres
              connection_string: ${PG_URL}
              pool: { min: 2, max: 40 }
              spill: { path: /var/lib/switchyard/request-log.spill, max_size: 64MiB }
            """, ("PG_URL", "postgres://gateway:secret@db:5432/switchyard"));

        var storage = Assert.IsType<GatewayConfig>(result.Config).Storage;
        Assert.Equal((StorageKind.Postgres, "postgres://gateway:secret@db:5432/switchyard", 2, 40), (storage.Kind, storage.ConnectionString, storage.PoolMin, storage.PoolMax));
        Assert.Equal(("/var/lib/switchyard/request-log.spill", 64L << 20), (storage.SpillPath, storage.SpillMaxBytes));
        var options = storage.ToOptions();
        Assert.Null(options.Sqlite);
        Assert.Equal((2, 40), (options.Postgres!.MinPoolSize, options.Postgres.MaxPoolSize));
        Assert.Equal(64L << 20, options.Spill.MaxBytes);
    }

    [Fact]
    public void Parse_PostgresDefaults_AreTheDocumentedOnes()
    {
        var storage = Parse("storage: { kind: postgres, connection_string: 'Host=db;Database=switchyard;Username=gateway' }").Config!.Storage;

        Assert.Equal((0, 20, "switchyard-request-log.spill", 256L << 20), (storage.PoolMin, storage.PoolMax, storage.SpillPath, storage.SpillMaxBytes));
    }

    [Fact]
    public void Parse_SqliteByDefault_IsTheFileOfPath()
    {
        var storage = Parse("storage: { path: data/gateway.db }").Config!.Storage;

        Assert.Equal((StorageKind.Sqlite, "data/gateway.db"), (storage.Kind, storage.Path));
        Assert.Equal("data/gateway.db", storage.ToOptions().Sqlite!.Path);
    }

    [Theory]
    [InlineData("storage: { kind: postgres }", "storage.connection_string", "is missing")]
    [InlineData("storage: { kind: postgres, connection_string: 'Database=x' }", "storage.connection_string", "names no host")]
    [InlineData("storage: { kind: postgres, connection_string: 'Host=db;Password=hunter2' }", "storage.connection_string", "password written in the file")]
    [InlineData("storage: { kind: postgres, connection_string: 'postgres://u:hunter2@db/x' }", "storage.connection_string", "password written in the file")]
    [InlineData("storage: { kind: postgres, connection_string: '${NOT_SET}' }", "storage.connection_string", "NOT_SET is not set")]
    [InlineData("storage: { kind: postgres, connection_string: 'Host=db', path: x.db }", "storage.path", "kind is postgres")]
    [InlineData("storage: { kind: postgres, connection_string: 'Host=db', pool: { min: 5, max: 2 } }", "storage.pool.min", "more than max")]
    [InlineData("storage: { kind: postgres, connection_string: 'Host=db', pool: { max: 0 } }", "storage.pool.max", "must be")]
    [InlineData("storage: { kind: postgres, connection_string: 'Host=db', pool: { size: 3 } }", "storage.pool.size", "")]
    [InlineData("storage: { kind: postgres, connection_string: 'Host=db', spill: { max_size: lots } }", "storage.spill.max_size", "")]
    [InlineData("storage: { connection_string: 'Host=db' }", "storage.connection_string", "add kind: postgres")]
    [InlineData("storage: { kind: sqlite, spill: { path: x } }", "storage.spill", "is for PostgreSQL")]
    public void Parse_InvalidStorage_NamesTheKeyAndTheLine(string yaml, string key, string expected)
    {
        var result = Parse(yaml);

        var error = Assert.Single(result.Errors);
        Assert.Equal(key, error.Key);
        Assert.Equal(1, error.Line);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    private static ConfigLoadResult Parse(string storage, params (string Name, string Value)[] environment)
    {
        var values = environment.ToDictionary(e => e.Name, e => e.Value);
        return ConfigLoader.Parse(storage + "\n" + Routes, "switchyard.yaml", name => values.GetValueOrDefault(name));
    }
}
