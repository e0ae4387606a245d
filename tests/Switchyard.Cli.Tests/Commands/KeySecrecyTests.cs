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
    public async Task Serve_KeysNeverAppearInLogsErrorsOrTheRequestLog()
    {
        var db = Path.Combine(_directory, "switchyard.db");
        var root = new RootCommand { KeysCommand.Create() };
        var created = new StringWriter(CultureInfo.InvariantCulture);
        Assert.Equal(0, await root.Parse(["keys", "create", "--db", db, "--team", "search"]).InvokeAsync(new InvocationConfiguration { Output = created, Error = new StringWriter() }));
        var key = created.ToString().Trim();
        var hash = ApiKeys.Hash(key);
        string[] secrets = [key, key[14..], Convert.ToHexString(hash), Convert.ToHexString(hash).ToLowerInvariant(), Convert.ToBase64String(hash), "not-a-key-but-a-secret-header-value"];

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
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/v1/"), Timeout = TimeSpan.FromSeconds(20) };
            await WaitForAsync(client);
            (string Name, string Value)[][] attempts =
            [
                [("Authorization", "Bearer " + key)],                       // valid: the dead upstream's failure is logged
                [("x-api-key", key)],
                [("Authorization", "Bearer " + key[..^1] + "q")],          // a wrong secret
                [("Authorization", "Basic " + Convert.ToBase64String("user:not-a-key-but-a-secret-header-value"u8.ToArray()))],
                [("Authorization", "Bearer not-a-key-but-a-secret-header-value")],
                [("Authorization", "Bearer " + key), ("x-api-key", "not-a-key-but-a-secret-header-value")],
            ];
            foreach (var headers in attempts)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions")
                {
                    Content = new StringContent("""{"model":"chat","messages":[{"role":"user","content":"Hello"}]}""", System.Text.Encoding.UTF8, "application/json"),
                };
                foreach (var (name, value) in headers)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }

                using var response = await client.SendAsync(request);
                Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
                bodies.Add(await response.Content.ReadAsStringAsync());
            }

            await Task.Delay(300); // the request log's flush interval
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
        }

        var output = await stdout + await stderr;
        await using var store = new SqliteRequestLogStore(new SqliteStoreOptions { Path = db }, TimeProvider.System);
        var entries = await store.QueryAsync(new RequestLogQuery { Limit = 100 }, CancellationToken.None);
        Assert.Contains(entries, e => e.KeyId == key[..13] && e.Status >= 500);
        var everything = string.Join("\n", [output, .. bodies, .. entries.Select(e => string.Join("|", e.ErrorMessage, e.AttemptsJson, e.FallbackReason, e.KeyId, e.Team))]);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
    }

    private static async Task WaitForAsync(HttpClient client)
    {
        for (var i = 0; i < 200; i++)
        {
            try
            {
                using var response = await client.GetAsync("models");
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
