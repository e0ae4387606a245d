namespace Switchyard.Storage.Tests.Internal;

/// <summary>
/// The base of a store test that runs against both databases: the derived class picks the harness (a SQLite file, or a
/// PostgreSQL schema of its own, so classes run in parallel), and every test opens the stores through the factory.
/// </summary>
public abstract class StoreTestBase(StoreHarness harness) : IAsyncLifetime
{
    private readonly List<Stores> _opened = [];

    protected StoreHarness Harness { get; } = harness;

    public Task InitializeAsync() => Harness.InitializeAsync();

    public async Task DisposeAsync()
    {
        // Stores a test did not dispose itself are closed before the harness drops the schema or deletes the file.
        foreach (var stores in _opened)
        {
            await stores.DisposeAsync();
        }

        await Harness.DisposeAsync();
    }

    protected async Task<Stores> OpenAsync(TimeProvider? time = null)
    {
        var stores = await Harness.OpenAsync(time);
        _opened.Add(stores);
        return stores;
    }
}
