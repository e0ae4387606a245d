using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Switchyard.Cli.Commands;
using Switchyard.Gateway.Auth;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Cli.Tests.Commands;

/// <summary>
/// As an attacker reading everything the gateway writes: no key, no key hash and no Authorization value appears in its
/// console output, its error bodies or its request log, whatever is sent.
/// </summary>
public sealed class KeySecrecyTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "switchyard-tests", Guid.NewGuid().ToString("N"));

    public KeySecrecyTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Serve_KeysNeverAppearInLogsErrorsTheRequestLogOrTheAdminApi()
    {
        var db = Path.Combine(_directory, "switchyard.db");
        var key = await CreateKeyAsync(db, "search");
        var admin = await CreateKeyAsync(db, "platform", "--role", "admin");
        List<string> secrets = ["not-a-key-but-a-secret-header-value"];
        void Secret(string k)
        {
            var hash = ApiKeys.Hash(k);
            secrets.AddRange([k, k[14..], "Bearer " + k, Convert.ToHexString(hash), Convert.ToHexString(hash).ToLowerInvariant(), Convert.ToBase64String(hash), Convert.ToBase64String(hash).TrimEnd('=')]);
        }

        Secret(key);
        Secret(admin);

        var port = FreePort();
        var config = Path.Combine(_directory, "switchyard.yaml");
        File.WriteAllText(config, $$"""
            server: { listen: "http://127.0.0.1:{{port}}" }
            storage: { kind: sqlite, path: "{{db}}" }
            request_log: { flush_interval: 20ms }
            auth: { keys: required }
            providers:
              dead: { kind: openai, base_url: "http://127.0.0.1:{{FreePort()}}/v1" }
            registry: { enforce: off }
            deployments:
              llama: { provider: dead, model: llama, timeouts: { connect: 1s } }
            routes:
              chat: { deployments: [llama] }
            """);
        var cli = Path.Combine(AppContext.BaseDirectory, "switchyard.dll");
        using var serve = Process.Start(new ProcessStartInfo("dotnet", [cli, "serve", "--config", config])
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = serve.StandardOutput.ReadToEndAsync();
        var stderr = serve.StandardError.ReadToEndAsync();
        var bodies = new List<string>();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(20) };
            await WaitForAsync(client);
            (string Name, string Value)[][] attempts =
            [
                [("Authorization", "Bearer " + key)],                       // valid: the dead upstream's failure is logged
                [("x-api-key", key)],
                [("Authorization", "Bearer " + key[..^1] + "q")],          // a wrong secret
                [("Authorization", "Basic " + Convert.ToBase64String("user:not-a-key-but-a-secret-header-value"u8.ToArray()))],
                [("Authorization", "Bearer not-a-key-but-a-secret-header-value")],
                [("Authorization", "Bearer " + key), ("x-api-key", "not-a-key-but-a-secret-header-value")],
                [("Authorization", "Bearer " + admin)],                     // a role key on /v1
            ];
            foreach (var headers in attempts)
            {
                using var response = await SendAsync(client, HttpMethod.Post, "v1/chat/completions", headers, """{"model":"chat","messages":[{"role":"user","content":"Hello"}]}""");
                Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
                bodies.Add(await response.Content.ReadAsStringAsync());
            }

            // A key created through the API: its answer is the one place its secret appears, once.
            using (var created = await SendAsync(client, HttpMethod.Post, "admin/keys", [("Authorization", "Bearer " + admin)], """{"team":"search","name":"made by the api"}"""))
            {
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                Secret(System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!);
            }

            // The log holds both served requests before the admin API is read (the entries are written after the answer).
            await using (var store = new SqliteRequestLogStore(new SqliteStoreOptions { Path = db }, TimeProvider.System))
            {
                var deadline = Stopwatch.StartNew();
                while ((await store.QueryAsync(new RequestLogQuery { Limit = 100 }, CancellationToken.None)).Count(e => e.KeyId == key[..13]) < 2)
                {
                    Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), "the request log never got the two served requests");
                    await Task.Delay(20);
                }
            }

            foreach (var path in (string[])["admin/keys", "admin/keys/" + key[..13], "admin/keys/" + admin[..13], "admin/logs", "admin/audit", "admin/costs", "admin/teams", "admin/routes", "metrics"])
            {
                using var response = await SendAsync(client, HttpMethod.Get, path, [("Authorization", "Bearer " + admin)], null);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
                var body = await response.Content.ReadAsStringAsync();
                Assert.Contains(path is "admin/keys" or "admin/audit" || path.EndsWith(key[..13], StringComparison.Ordinal) ? key[..13] : "", body, StringComparison.Ordinal);
                bodies.Add(body);
            }
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
        }

        var output = await stdout + await stderr;
        // serve says where the metrics are, and that a scrape needs a key (keys are required here).
        Assert.Contains($"Metrics (Prometheus): http://127.0.0.1:{port}/metrics (needs an admin, operator or auditor key)", output, StringComparison.Ordinal);
        var rows = ReadEveryColumn(db, "request_log");
        Assert.Equal(2, rows.Count(r => r.Contains(key[..13], StringComparison.Ordinal)));
        var everything = string.Join("\n", [output, .. bodies, .. rows, .. ReadEveryColumn(db, "admin_audit")]);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
    }

    private static async Task<string> CreateKeyAsync(string db, string team, params string[] more)
    {
        var created = new StringWriter(CultureInfo.InvariantCulture);
        var root = new RootCommand { KeysCommand.Create() };
        Assert.Equal(0, await root.Parse(["keys", "create", "--db", db, "--team", team, .. more]).InvokeAsync(new InvocationConfiguration { Output = created, Error = new StringWriter() }));
        return created.ToString().Trim();
    }

    /// <summary>Every row of <paramref name="table"/>, every column as text, joined with '|'.</summary>
    private static List<string> ReadEveryColumn(string db, string table)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM {table};";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : reader.GetValue(i) is byte[] bytes ? Convert.ToHexString(bytes) : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        Assert.NotEmpty(rows);
        return rows;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, (string Name, string Value)[] headers, string? json)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request);
    }

    private static async Task WaitForAsync(HttpClient client)
    {
        for (var i = 0; i < 200; i++)
        {
            try
            {
                using var response = await client.GetAsync("healthz");
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException("switchyard serve did not start");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
