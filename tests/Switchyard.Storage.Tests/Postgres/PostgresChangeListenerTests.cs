using System.Threading.Channels;
using Npgsql;
using Switchyard.Storage.Keys;
using Switchyard.Storage.Models;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Storage.Tests.Postgres;

/// <summary>Changes made through one instance's stores reach another's listener; the listener survives a cut connection.</summary>
public sealed class PostgresChangeListenerTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static readonly DateTimeOffset At = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly PostgresHarness _harness = new();

    public Task InitializeAsync() => _harness.InitializeAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [StoreFact]
    public async Task StartListening_KeyRevokedAndModelDecidedElsewhere_ArriveAsTheyCommit()
    {
        await using var here = await _harness.OpenAsync();
        await using var there = await _harness.OpenAsync();
        var heard = Record(there.StartListening()!);
        await there.ListeningAsync().WaitAsync(Patience);

        here.Keys.Add(Key("sy_aaaaaaaaaa"));
        Assert.Equal(new StoreChange(StoreChangeKind.Key, "sy_aaaaaaaaaa"), await heard.ReadAsync().AsTask().WaitAsync(Patience));
        here.Keys.Revoke("sy_aaaaaaaaaa", At, "cli:alice");
        Assert.Equal(new StoreChange(StoreChangeKind.Key, "sy_aaaaaaaaaa"), await heard.ReadAsync().AsTask().WaitAsync(Patience));
        here.Models.Add(new ModelRecord { Id = "m", Name = "m", Created = At, Updated = At }, new ModelDecision(At, "cli:admin", "admin", "propose", ModelStatus.Proposed, ModelStatus.Proposed, "new"));
        Assert.Equal(new StoreChange(StoreChangeKind.Model, "m"), await heard.ReadAsync().AsTask().WaitAsync(Patience));

        // A write that rolls back announces nothing: the next thing heard is the next commit.
        here.Keys.Add(Key("sy_dddddddddd"));
        Assert.Equal(new StoreChange(StoreChangeKind.Key, "sy_dddddddddd"), await heard.ReadAsync().AsTask().WaitAsync(Patience));
        await _harness.ExecuteAsync(_harness.FailInserts("admin_audit"));
        Assert.ThrowsAny<Exception>(() => here.Keys.Revoke("sy_dddddddddd", At, "cli:alice"));
        Assert.ThrowsAny<Exception>(() => here.Keys.Add(Key("sy_bbbbbbbbbb"), At, "cli:alice"));
        await _harness.ExecuteAsync(_harness.RestoreInserts("admin_audit"));
        here.Keys.Add(Key("sy_cccccccccc"));
        Assert.Equal(new StoreChange(StoreChangeKind.Key, "sy_cccccccccc"), await heard.ReadAsync().AsTask().WaitAsync(Patience));
    }

    [StoreFact]
    public async Task StartListening_ConnectionCut_ReconnectsResynchronisesAndHearsAgain()
    {
        var server = new NpgsqlConnectionStringBuilder(PostgresTestServer.ConnectionString);
        await using var proxy = new TcpProxy(server.Host!, server.Port);
        var options = _harness.Options;
        var throughProxy = new NpgsqlConnectionStringBuilder(_harness.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port }.ConnectionString;
        await using var listener = await Stores.OpenAsync(options with { Postgres = options.Postgres! with { ConnectionString = throughProxy } }, TimeProvider.System);
        await using var writer = await _harness.OpenAsync();
        var changes = listener.StartListening()!;
        var resynchronised = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changes.Resynchronised += () => resynchronised.TrySetResult();
        var heard = Record(changes);
        await listener.ListeningAsync().WaitAsync(Patience);

        proxy.Cut();
        writer.Keys.Add(Key("sy_lostlostlo"));   // sent while nobody listens: lost, hence the resynchronisation
        proxy.Restore();
        await resynchronised.Task.WaitAsync(Patience);
        writer.Keys.Add(Key("sy_aaaaaaaaaa"));

        Assert.Equal(new StoreChange(StoreChangeKind.Key, "sy_aaaaaaaaaa"), await heard.ReadAsync().AsTask().WaitAsync(Patience));
        Assert.True(changes.Listening);
    }

    private static ChannelReader<StoreChange> Record(StoreChanges changes)
    {
        var channel = Channel.CreateUnbounded<StoreChange>();
        changes.Changed += change => channel.Writer.TryWrite(change);
        return channel.Reader;
    }

    private static ApiKeyRecord Key(string id) => new() { Id = id, Hash = new byte[32], Team = "search", Created = At };
}
