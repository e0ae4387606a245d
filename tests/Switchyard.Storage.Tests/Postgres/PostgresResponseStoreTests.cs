using Switchyard.Storage.Postgres.Internal;
using Switchyard.Storage.Sql;
using Switchyard.Storage.Tests.Internal;
using Switchyard.Storage.Tests.Sql;

namespace Switchyard.Storage.Tests.Postgres;

public sealed class PostgresResponseStoreTests() : ResponseStoreTests(new PostgresHarness())
{
    [StoreFact]
    public async Task Purge_WhileAnotherInstancePurges_LeavesItToThatOne_ThenPurgesOnceItIsDone()
    {
        var store = (await OpenAsync()).Responses;
        store.Save(Response("resp_old", Alice, expires: Start.AddDays(1)));
        // Another instance, in the middle of its purge: its transaction holds the purge's lock.
        await using var other = new PostgresDatabase(Harness.Options.Postgres!);
        await other.MigrateAsync(TimeProvider.System, CancellationToken.None);
        using var connection = other.Open();
        using var purging = other.BeginWrite(connection);
        Assert.True(other.TryLock(connection, purging, SqlResponseStore.PurgeLock));

        Assert.Equal(0, store.Purge(Start.AddDays(2)));
        Assert.Equal(1L, Convert.ToInt64(await Harness.ScalarAsync("SELECT COUNT(*) FROM stored_responses;")));

        purging.Commit();
        Assert.Equal(1, store.Purge(Start.AddDays(2)));
    }
}
