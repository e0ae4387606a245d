namespace Switchyard.Storage.Tests.Internal;

/// <summary>
/// One store for the suite that runs against both: a fresh SQLite file, or a fresh schema of the test PostgreSQL server.
/// It creates what the test needs on <see cref="InitializeAsync"/> and removes it on <see cref="DisposeAsync"/>.
/// </summary>
public abstract class StoreHarness : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();

    /// <summary>A folder of the test's own (the SQLite file, the spill file).</summary>
    public string Folder => _directory.Path;

    /// <summary>The <c>storage:</c> the test's stores open.</summary>
    public abstract StorageOptions Options { get; }

    /// <summary>Which database, for messages and test names.</summary>
    public abstract string Kind { get; }

    /// <summary>The <c>storage:</c> section of a gateway configuration on this store (one line, flow style).</summary>
    public abstract string StorageYaml { get; }

    public abstract Task InitializeAsync();

    /// <summary>Opens the stores (migrating the schema).</summary>
    public Task<Stores> OpenAsync(TimeProvider? time = null) => Stores.OpenAsync(Options, time ?? TimeProvider.System);

    /// <summary>Runs SQL on the test's database, around the stores (to break or inspect it).</summary>
    public abstract Task ExecuteAsync(string sql);

    /// <summary>Reads one value with SQL on the test's database.</summary>
    public abstract Task<object?> ScalarAsync(string sql);

    /// <summary>SQL that makes every insert into <paramref name="table"/> fail, until <see cref="RestoreInserts"/>.</summary>
    public abstract string FailInserts(string table);

    public abstract string RestoreInserts(string table);

    public virtual async ValueTask DisposeAsync()
    {
        await Task.Yield();
        _directory.Dispose();
        GC.SuppressFinalize(this);
    }
}
