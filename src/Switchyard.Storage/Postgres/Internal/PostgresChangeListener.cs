using Microsoft.Extensions.Logging;
using Npgsql;

namespace Switchyard.Storage.Postgres.Internal;

/// <summary>
/// Keeps one connection listening on the schema's channel and raises each notification on <see cref="StoreChanges"/>.
/// When the connection breaks it reconnects by itself (1 s, doubling to 8 s between tries) and says so with
/// <see cref="StoreChanges.Resynchronised"/>, since notifications sent meanwhile are lost.
/// </summary>
internal sealed partial class PostgresChangeListener : IAsyncDisposable
{
    // How long the connection may stay quiet before a round trip checks it: a connection cut without a word (a host gone,
    // a firewall dropping state) is noticed within this, not when the kernel gives up on it.
    private static readonly TimeSpan ProbeAfter = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(8);

    private readonly PostgresDatabase _database;
    private readonly StoreChanges _changes;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _firstListen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;

    public PostgresChangeListener(PostgresDatabase database, StoreChanges changes, TimeProvider time, ILogger logger)
    {
        _database = database;
        _changes = changes;
        _time = time;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Completes once the listener listened for the first time (tests wait on it rather than sleep).</summary>
    public Task Listening => _firstListen.Task;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var token = _stopping.Token;
        var retry = FirstRetry;
        var connectedBefore = false;
        var lossReported = false;
        var channel = _database.Channel;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _database.DataSource.OpenConnectionAsync(token).ConfigureAwait(false);
                connection.Notification += (_, e) =>
                {
                    if (e.Channel == channel && StoreChanges.TryParse(e.Payload, out var change))
                    {
                        _changes.Raise(change);
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN \"{channel}\";", connection))
                {
                    await listen.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                _changes.SetListening(true, resynchronise: connectedBefore);
                if (connectedBefore)
                {
                    Log.Reconnected(_logger, channel);
                }

                connectedBefore = true;
                lossReported = false;
                retry = FirstRetry;
                _firstListen.TrySetResult();
                while (true)
                {
                    if (!await connection.WaitAsync(ProbeAfter, token).ConfigureAwait(false))
                    {
                        await using var probe = new NpgsqlCommand("SELECT 1;", connection);
                        await probe.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // Whatever broke the connection, the listener reconnects; the readers poll meanwhile.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                if (!lossReported)
                {
                    Log.Lost(_logger, channel, exception);
                    lossReported = true;
                }

                _changes.SetListening(false, resynchronise: false);
            }

            try
            {
                await Task.Delay(retry, _time, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            retry = retry * 2 > MaxRetry ? MaxRetry : retry * 2;
        }

        _changes.SetListening(false, resynchronise: false);
    }

    // Storage owns event ids 2000-2099; the change listener uses 2030-2039.
    private static partial class Log
    {
        [LoggerMessage(EventId = 2030, Level = LogLevel.Warning,
            Message = "Not listening for changes on PostgreSQL channel {Channel}: revocations and registry decisions of other instances arrive by the one-second poll until it reconnects")]
        public static partial void Lost(ILogger logger, string channel, Exception exception);

        [LoggerMessage(EventId = 2031, Level = LogLevel.Information,
            Message = "Listening for changes on PostgreSQL channel {Channel} again")]
        public static partial void Reconnected(ILogger logger, string channel);
    }
}
