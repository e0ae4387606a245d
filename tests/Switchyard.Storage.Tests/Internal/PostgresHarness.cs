namespace Switchyard.Storage.Tests.Internal;

/// <summary>A fresh schema of the test PostgreSQL server (<see cref="PostgresTestServer"/>), dropped at the end.</summary>
public sealed class PostgresHarness : StoreHarness
{
    private string? _schema;

    public string Schema => _schema ?? throw new InvalidOperationException("InitializeAsync first.");

    public string ConnectionString => PostgresTestServer.For(Schema);

    public override StorageOptions Options => new()
    {
        Postgres = new Storage.Postgres.PostgresStoreOptions { ConnectionString = ConnectionString, MaxPoolSize = 8 },
        Spill = new Storage.Postgres.RequestLogSpillOptions { Path = Path.Combine(Folder, "request-log.spill") },
    };

    public override string Kind => "postgres";

    public override string StorageYaml => $"storage: {{ kind: postgres, connection_string: \"{ConnectionString}\", pool: {{ max: 8 }}, spill: {{ path: \"{Options.Spill.Path}\" }} }}";

    public override async Task InitializeAsync() => _schema = await PostgresTestServer.CreateSchemaAsync();

    public override Task ExecuteAsync(string sql) => PostgresTestServer.ExecuteAsync(sql, Schema);

    public override async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public override string FailInserts(string table) => $"""
        CREATE FUNCTION {table}_down() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{table} down'; END $$;
        CREATE TRIGGER {table}_down BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_down();
        """;

    public override string RestoreInserts(string table) => $"DROP TRIGGER {table}_down ON {table}; DROP FUNCTION {table}_down();";

    public override async ValueTask DisposeAsync()
    {
        if (_schema is not null)
        {
            await PostgresTestServer.DropSchemaAsync(_schema);
        }

        await base.DisposeAsync();
    }
}
