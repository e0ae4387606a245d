using Npgsql;
using Switchyard.Storage.Postgres;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Storage.Tests.Postgres;

public sealed class PostgresMigrationsTests : IAsyncLifetime
{
    private readonly PostgresHarness _harness = new();

    public Task InitializeAsync() => _harness.InitializeAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [StoreFact]
    public void All_Versions_RunFromOneWithoutGaps()
        => Assert.Equal(Enumerable.Range(1, PostgresMigrations.All.Count), PostgresMigrations.All.Select(m => m.Version));

    [StoreFact]
    public async Task OpenAsync_EmptySchema_AppliesEveryStepOnceWithItsDescription()
    {
        await using var stores = await _harness.OpenAsync();

        Assert.Equal((0, PostgresMigrations.LatestVersion), stores.Migration);
        Assert.Equal(PostgresMigrations.LatestVersion, Convert.ToInt32(await _harness.ScalarAsync("SELECT COUNT(*) FROM schema_migrations;")));
        Assert.Equal(PostgresMigrations.All[^1].Description, await _harness.ScalarAsync("SELECT description FROM schema_migrations ORDER BY version DESC LIMIT 1;"));
    }

    [StoreFact]
    public async Task OpenAsync_ManyInstancesAtOnce_ApplyEachStepOnce()
    {
        // Gateways starting together: the advisory lock lets one migrate while the others wait, then find nothing to do.
        var opened = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => _harness.OpenAsync())));
        try
        {
            Assert.Single(opened, s => s.Migration.From == 0);
            Assert.All(opened, s => Assert.Equal(PostgresMigrations.LatestVersion, s.Migration.To));
            Assert.Equal(PostgresMigrations.LatestVersion, Convert.ToInt32(await _harness.ScalarAsync("SELECT COUNT(*) FROM schema_migrations;")));
        }
        finally
        {
            foreach (var stores in opened)
            {
                await stores.DisposeAsync();
            }
        }
    }

    [StoreFact]
    public async Task OpenAsync_Again_KeepsTheData()
    {
        await using (var stores = await _harness.OpenAsync())
        {
            stores.Audit.Append(DateTimeOffset.UnixEpoch, "cli:test", "test.write", "x", null);
        }

        await using var reopened = await _harness.OpenAsync();

        Assert.Equal((PostgresMigrations.LatestVersion, PostgresMigrations.LatestVersion), reopened.Migration);
        Assert.Equal("test.write", Assert.Single(reopened.Audit.Entries()).Action);
    }

    [StoreFact]
    public async Task OpenAsync_SchemaNewerThanKnown_ThrowsClearErrorAndChangesNothing()
    {
        await _harness.ExecuteAsync("CREATE TABLE schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL); INSERT INTO schema_migrations VALUES (99, 'from the future', now());");

        var error = await Assert.ThrowsAsync<PostgresSchemaException>(() => _harness.OpenAsync());

        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
        Assert.Contains("upgrade switchyard", error.Message, StringComparison.Ordinal);
        Assert.Equal(DBNull.Value, await _harness.ScalarAsync("SELECT to_regclass('request_log')::text;"));
    }

    [StoreFact]
    public async Task OpenAsync_SearchPathWithoutASchema_SaysHowToFixIt()
    {
        var options = _harness.Options;
        var missing = new NpgsqlConnectionStringBuilder(_harness.ConnectionString) { SearchPath = "no_such_schema_" + Guid.NewGuid().ToString("N") }.ConnectionString;

        var error = await Assert.ThrowsAsync<PostgresSchemaException>(() => Stores.OpenAsync(options with { Postgres = options.Postgres! with { ConnectionString = missing } }, TimeProvider.System));

        Assert.Contains("CREATE SCHEMA", error.Message, StringComparison.Ordinal);
        Assert.Contains("Search Path", error.Message, StringComparison.Ordinal);
    }
}
