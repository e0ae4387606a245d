namespace Switchyard.Storage.Tests.Internal;

/// <summary>
/// The base of a store test that runs against both databases: the derived class picks the harness (a SQLite file, or a
/// PostgreSQL schema of its own, so classes run in parallel), and every test opens the stores through the factory.
/// </summary>
public abstract class StoreTestBase(StoreHarness harness) : IAsyncLifetime
{
    protected StoreHarness Harness { get; } = harness;

    public Task InitializeAsync() => Harness.InitializeAsync();

    public async Task DisposeAsync() => await Harness.DisposeAsync();

    protected Task<Stores> OpenAsync(TimeProvider? time = null) => Harness.OpenAsync(time);
}
