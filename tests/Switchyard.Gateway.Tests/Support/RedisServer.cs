using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Switchyard.Gateway.Tests.Support;

/// <summary>
/// The Redis the tests share: the real redis-server that scripts/test.sh (and so .ci/run) installs and starts on
/// 127.0.0.1, named by <c>SWITCHYARD_TEST_REDIS</c> (host:port). Without it the tests that need Redis fail and say how
/// to get one, rather than skipping silently; <c>SWITCHYARD_TEST_NO_REDIS=1</c> skips them, for local work only.
/// Each test uses keys of its own (<see cref="Prefix"/>), so tests run in parallel on one server.
/// </summary>
internal static class RedisServer
{
    public const string Variable = "SWITCHYARD_TEST_REDIS";
    public const string OptOut = "SWITCHYARD_TEST_NO_REDIS";

    /// <summary>The shared server's host:port.</summary>
    public static string Address => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } address
        ? address
        : throw new InvalidOperationException(
            $"{Variable} is not set: this test needs a real Redis. Run the suite with scripts/test.sh, which installs Debian's redis-server and starts it on 127.0.0.1, or start one yourself (redis-server --port 6390 --save '' --appendonly no --daemonize yes) and export {Variable}=127.0.0.1:6390. To skip the Redis tests while working locally, set {OptOut}=1.");

    /// <summary>The shared server's URL, as a configuration writes it.</summary>
    public static string Url => "redis://" + Address;

    /// <summary>A key prefix no other test uses.</summary>
    public static string Prefix() => "test-" + Guid.NewGuid().ToString("N")[..12] + ":";

    /// <summary>Why Redis tests are skipped, or <see langword="null"/> when they run.</summary>
    public static string? SkipReason => Environment.GetEnvironmentVariable(OptOut) == "1" ? $"{OptOut}=1: the Redis tests are skipped (local work only; CI runs them)" : null;

    /// <summary>
    /// Starts a redis-server of the test's own on a free port (the binary the shared one comes from), for tests that stop
    /// and restart it.
    /// </summary>
    public static async Task<PrivateRedis> StartPrivateAsync(bool start = true)
    {
        var server = new PrivateRedis(FreePort());
        if (start)
        {
            await server.StartAsync();
        }

        return server;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A redis-server process of one test's own.</summary>
    internal sealed class PrivateRedis(int port) : IAsyncDisposable
    {
        private Process? _process;

        public int Port { get; } = port;

        public string Url => $"redis://127.0.0.1:{Port}";

        /// <summary>Starts the server and waits until it accepts connections.</summary>
        public async Task StartAsync()
        {
            var info = new ProcessStartInfo("redis-server", ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
            _process.OutputDataReceived += (_, _) => { };
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (true)
            {
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, Port, deadline.Token);
                    return;
                }
                catch (SocketException) when (!deadline.IsCancellationRequested && !_process.HasExited)
                {
                    // Not listening yet: the connection attempt itself is the wait (refused at once), so retry.
                    await Task.Yield();
                }
            }
        }

        /// <summary>Kills the server (its data goes with it: no persistence) and waits for it to be gone.</summary>
        public async Task StopAsync()
        {
            if (_process is { HasExited: false } process)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }

            _process?.Dispose();
            _process = null;
        }

        public async ValueTask DisposeAsync() => await StopAsync();
    }
}

/// <summary>A fact that needs Redis: it runs (and fails without one) unless <c>SWITCHYARD_TEST_NO_REDIS=1</c> says to skip it.</summary>
internal sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute() => Skip = RedisServer.SkipReason;
}

/// <summary>A theory that needs Redis (see <see cref="RedisFactAttribute"/>).</summary>
internal sealed class RedisTheoryAttribute : TheoryAttribute
{
    public RedisTheoryAttribute() => Skip = RedisServer.SkipReason;
}
