using Microsoft.Data.Sqlite;
using Switchyard.Storage.Keys;
using Switchyard.Storage.Sqlite;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Storage.Tests.Sqlite;

public sealed class SqliteKeyStoreTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private SqliteStoreOptions Options => new() { Path = _directory.DatabasePath };

    [Fact]
    public void Add_WithAnActor_StoresTheKeyAndItsAuditEntryTogether()
    {
        var store = new SqliteKeyStore(Options, TimeProvider.System);

        Assert.True(store.Add(Key("sy_aaaaaaaaaa"), At, "cli:alice"));
        Assert.True(store.Revoke("sy_aaaaaaaaaa", At.AddMinutes(1), "sy_bbbbbbbbbb"));

        var trail = store.Trail.Entries();
        Assert.Equal(["key.create", "key.revoke"], trail.Select(e => e.Action));
        Assert.Equal(["cli:alice", "sy_bbbbbbbbbb"], trail.Select(e => e.Actor));
        Assert.Equal("team=search; role=client; routes=chat; rpm=60; tpm=-; max_concurrency=-; budget=25/month; expires=-; confidential=no", trail[0].Detail);
        Assert.All(trail, e => Assert.Equal("sy_aaaaaaaaaa", e.Target));
    }

    [Fact]
    public void Add_WhenTheAuditEntryCannotBeWritten_StoresNoKey()
    {
        // A key without its audit entry would be an unrecorded admin action: both are written, or neither.
        var store = new SqliteKeyStore(Options, TimeProvider.System);
        Execute("CREATE TRIGGER audit_down BEFORE INSERT ON admin_audit BEGIN SELECT RAISE(ABORT, 'audit down'); END;");

        Assert.Throws<SqliteException>(() => store.Add(Key("sy_aaaaaaaaaa"), At, "cli:alice"));
        Assert.Null(store.Find("sy_aaaaaaaaaa"));

        Execute("DROP TRIGGER audit_down;");
        Assert.True(store.Add(Key("sy_aaaaaaaaaa"), At, "cli:alice"));
        Execute("CREATE TRIGGER audit_down BEFORE INSERT ON admin_audit BEGIN SELECT RAISE(ABORT, 'audit down'); END;");
        Assert.Throws<SqliteException>(() => store.Revoke("sy_aaaaaaaaaa", At, "cli:alice"));
        Assert.Null(store.Find("sy_aaaaaaaaaa")!.Revoked);
    }

    private static ApiKeyRecord Key(string id) => new()
    {
        Id = id,
        Hash = new byte[32],
        Team = "search",
        Routes = ["chat"],
        RequestsPerMinute = 60,
        BudgetUsd = 25,
        BudgetPeriod = "month",
        Created = At,
    };

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_directory.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
