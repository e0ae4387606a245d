using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Switchyard.Gateway.Tests.Support;
using Switchyard.Simulator;
using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Cli.Tests.Internal;

/// <summary>
/// Three <c>switchyard serve</c> processes (the built CLI, each an OS process of its own on a port of 127.0.0.1) on one
/// PostgreSQL schema and one Redis key prefix, in front of one simulator: a fleet as issue 10 deploys it, behind no load
/// balancer (the tests choose the instance each request goes to). Keys are made through the admin API with the
/// bootstrap admin key every instance is given.
/// </summary>
/// <remarks>
/// The PostgreSQL and Redis servers are the tests' shared ones (<c>SWITCHYARD_TEST_POSTGRES</c>,
/// <c>SWITCHYARD_TEST_REDIS</c>): without them starting the fleet fails and says how to get them; with their opt-outs
/// set the fleet is not started and <see cref="FleetFactAttribute"/> skips the tests.
/// </remarks>
public sealed class GatewayFleet : IAsyncLifetime
{
    public const int Size = 3;

    /// <summary>Every budget of the fleet: a team's, two dollars a day, at $1,000 per million tokens in and out.</summary>
    public const decimal BudgetUsd = 2m;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(40);

    private readonly PostgresHarness _database = new();
    private readonly List<Instance> _instances = [];
    private readonly string _adminKey = "fleet-admin-" + Guid.NewGuid().ToString("N");
    private SimulatorHost? _simulator;

    /// <summary>The connection string of the fleet's schema, for reading the shared tables.</summary>
    public string ConnectionString => _database.ConnectionString;

    public async Task InitializeAsync()
    {
        if (FleetFactAttribute.SkipReason is not null)
        {
            return;
        }

        // Read first: unset, they throw with how to get a server, and every test of the fleet fails with that message.
        var redis = RedisServer.Url;
        await _database.InitializeAsync();
        // 20 ms to the first token: requests overlap under parallel load, so budgets see reservations in flight.
        var model = SimulatorOptions.Instant().Models[0] with { TimeToFirstToken = TimeSpan.FromMilliseconds(20) };
        _simulator = await SimulatorHost.StartAsync(new SimulatorOptions { Models = [model], Seed = 7 });
        var prefix = RedisServer.Prefix();
        var starts = Enumerable.Range(0, Size).Select(i => StartAsync(i, redis, prefix)).ToList();
        try
        {
            _instances.AddRange(await Task.WhenAll(starts));
        }
        catch
        {
            // The instances that did start are stopped here, whether or not the test framework disposes a fixture that
            // failed to start.
            _instances.AddRange(starts.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result));
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        _instances.Clear();
        if (_simulator is not null)
        {
            await _simulator.DisposeAsync();
            _simulator = null;
        }

        await _database.DisposeAsync();
    }

    /// <summary>Creates a client key through instance <paramref name="instance"/>'s admin API (<c>POST /admin/keys</c>) and returns it.</summary>
    public async Task<string> CreateKeyAsync(int instance, string json)
    {
        HttpResponseMessage response;
        try
        {
            response = await AdminAsync(instance, HttpMethod.Post, "admin/keys", json);
        }
        catch (TaskCanceledException e)
        {
            throw new TimeoutException("POST /admin/keys got no answer:\n" + Output(), e);
        }

        using var _ = response;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /admin/keys on instance {instance}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("key").GetString()!;
    }

    /// <summary>A call of instance <paramref name="instance"/>'s admin API with the bootstrap admin key.</summary>
    public Task<HttpResponseMessage> AdminAsync(int instance, HttpMethod method, string path, string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _adminKey);
        return _instances[instance].Client.SendAsync(request);
    }

    /// <summary>
    /// A chat completion through instance <paramref name="instance"/> with <paramref name="key"/>, carrying
    /// <paramref name="requestId"/> as its <c>x-request-id</c> (the request log keeps it).
    /// </summary>
    public Task<HttpResponseMessage> ChatAsync(int instance, string key, string requestId, string prompt = "Hello", int maxTokens = 16)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent(
                $$"""{"model":"chat","messages":[{"role":"user","content":{{JsonSerializer.Serialize(prompt)}}}],"max_tokens":{{maxTokens}}}""",
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Headers.TryAddWithoutValidation("x-request-id", requestId);
        return _instances[instance].Client.SendAsync(request);
    }

    /// <summary>A GET of instance <paramref name="instance"/> with <paramref name="key"/> (<c>v1/models</c>: authenticated, nothing upstream).</summary>
    public Task<HttpResponseMessage> GetAsync(int instance, string key, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return _instances[instance].Client.SendAsync(request);
    }

    /// <summary>The error code of an OpenAI-style error body, or null.</summary>
    public static async Task<string?> ErrorCodeAsync(HttpResponseMessage response)
    {
        try
        {
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// The request log's rows whose <c>request_id</c> starts with <paramref name="prefix"/>, once there are
    /// <paramref name="expected"/> of them (polled: each instance writes its rows in batches after the answers), or
    /// whatever is there after 15 s.
    /// </summary>
    public async Task<List<(string RequestId, int Status, string? Team, decimal? CostUsd)>> LogRowsAsync(string prefix, int expected)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var rows = new List<(string, int, string?, decimal?)>();
            await using (var connection = new Npgsql.NpgsqlConnection(ConnectionString))
            {
                await connection.OpenAsync();
                await using var command = new Npgsql.NpgsqlCommand("SELECT request_id, status, team, cost_usd FROM request_log WHERE starts_with(request_id, @prefix) ORDER BY id;", connection);
                command.Parameters.AddWithValue("prefix", prefix);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    rows.Add((reader.GetString(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetDecimal(3)));
                }
            }

            if (rows.Count >= expected || deadline.Elapsed > TimeSpan.FromSeconds(15))
            {
                return rows;
            }

            // The writers flush every 20 ms; ask again shortly.
            await Task.Delay(50);
        }
    }

    /// <summary>What the instances wrote to their consoles, for a failure's message.</summary>
    public string Output() => string.Join("\n", _instances.Select(i => $"--- instance {i.Number} ---\n{i.Output()}"));

    private async Task<Instance> StartAsync(int number, string redis, string prefix)
    {
        var config = Path.Combine(_database.Folder, $"gateway-{number}.yaml");
        // Redis may take 2 s (not 250 ms) before it counts as unreachable, and then requests are refused (503), not served
        // on each instance's own counts: on a loaded test machine a slow answer must not pass for a limit that failed to
        // hold, and a real outage shows as what it is.
        await File.WriteAllTextAsync(config, $$"""
            server: { listen: "http://127.0.0.1:0" }
            storage: { kind: postgres, connection_string: "{{ConnectionString}}", pool: { max: 4 }, spill: { path: "{{Path.Combine(_database.Folder, $"spill-{number}")}}" } }
            limits: { kind: redis, url: "{{redis}}", prefix: "{{prefix}}", timeout: 2s, on_failure: closed }
            request_log: { flush_interval: 20ms }
            auth: { keys: required }
            registry: { enforce: off }
            providers:
              sim: { kind: openai, base_url: "{{new Uri(_simulator!.BaseAddress, "v1")}}" }
            deployments:
              strong: { provider: sim, model: strong, pricing: { input: 1000, output: 1000 } }
            routes:
              chat: { deployments: [strong] }
            budgets:
              solo: { team: solo, limit: {{BudgetUsd}} }
              crowd: { team: crowd, limit: {{BudgetUsd}} }
            """);
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "switchyard.dll"), "serve", "--config", config])
        {
            WorkingDirectory = _database.Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["SWITCHYARD_ADMIN_KEY"] = _adminKey;
        // serve chooses how sockets complete (Cli/Internal/InlineCompletions): nothing this process set may choose for it.
        info.Environment.Remove("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS");
        var instance = new Instance(number, Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start"));
        try
        {
            await instance.ServingAsync(StartTimeout);
            return instance;
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    /// <summary>One <c>switchyard serve</c> process: its output, read as it comes, and a client of its address.</summary>
    private sealed class Instance : IAsyncDisposable
    {
        private const string Serving = "Switchyard serving ";

        private readonly Process _process;
        private readonly ConcurrentQueue<string> _lines = new();
        private readonly TaskCompletionSource<Uri> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private HttpClient? _client;

        public Instance(int number, Process process)
        {
            Number = number;
            _process = process;
            process.OutputDataReceived += (_, e) => OnLine(e.Data);
            process.ErrorDataReceived += (_, e) => OnLine(e.Data);
            process.EnableRaisingEvents = true;
            process.Exited += (_, _) => _address.TrySetException(new InvalidOperationException($"switchyard serve (instance {number}) exited while starting:\n{Output()}"));
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public int Number { get; }

        public HttpClient Client => _client ?? throw new InvalidOperationException("The instance is not serving yet.");

        /// <summary>Waits for serve's "Switchyard serving PATH at URL" line: it is written once Kestrel listens.</summary>
        public async Task ServingAsync(TimeSpan timeout)
        {
            Uri address;
            try
            {
                address = await _address.Task.WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"switchyard serve (instance {Number}) did not say it was serving within {timeout.TotalSeconds} s:\n{Output()}");
            }

            _client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        }

        public string Output() => string.Join("\n", _lines);

        public async ValueTask DisposeAsync()
        {
            _client?.Dispose();
            try
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
                // Exited already.
            }

            _process.Dispose();
        }

        private void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            _lines.Enqueue(line);
            if (line.StartsWith(Serving, StringComparison.Ordinal))
            {
                // "Switchyard serving /path/gateway-0.yaml at http://127.0.0.1:PORT/ (OpenAI base URL: ...)".
                var at = line.IndexOf(" at ", Serving.Length, StringComparison.Ordinal) + 4;
                _address.TrySetResult(new Uri(line[at..line.IndexOf(' ', at)]));
            }
        }
    }
}
