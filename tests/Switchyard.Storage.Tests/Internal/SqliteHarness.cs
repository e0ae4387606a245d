namespace Switchyard.Storage.Tests.Internal;

/// <summary>A fresh SQLite file.</summary>
public sealed class SqliteHarness : StoreHarness
{
    public override StorageOptions Options => new() { Sqlite = new Storage.Sqlite.SqliteStoreOptions { Path = Path.Combine(Folder, "switchyard.db") } };

    public override string Kind => "sqlite";

    public override string StorageYaml => $"storage: {{ kind: sqlite, path: \"{Options.Sqlite!.Path}\" }}";

    public override Task InitializeAsync() => Task.CompletedTask;

    public override async Task ExecuteAsync(string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Options.Sqlite!.Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public override async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Options.Sqlite!.Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public override string FailInserts(string table) => $"CREATE TRIGGER {table}_down BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, '{table} down'); END;";

    public override string RestoreInserts(string table) => $"DROP TRIGGER {table}_down;";
}
