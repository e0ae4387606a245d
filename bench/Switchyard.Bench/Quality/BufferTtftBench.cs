using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Switchyard.Gateway;
using Switchyard.Gateway.Configuration;
using Switchyard.Simulator;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Bench.Quality;

/// <summary>
/// <c>buffer-ttft</c> mode: what <c>streaming: buffer</c> costs a streaming client in time to first token. One gateway
/// in-process, in front of the simulator's open model at its realistic pace (about 120 ms to first token, 70 tokens/s,
/// answers of 16 to 180 tokens), serves two routes that differ only in <c>quality.streaming</c>: <c>pass-through</c>
/// streams the answer as it comes, <c>buffer</c> holds it whole, checks it, then sends it. Each request goes to both, in
/// turns, so the two modes share the machine's noise. Prints TTFT and the time to the last byte, p50 and p95, and their
/// ratios.
/// </summary>
/// <remarks>
/// The routes have one tier, so nothing escalates: the figure is the price of holding the answer, not of a second call
/// (an escalated answer adds the next tier's whole answer on top). Every prompt differs, so every answer does too.
/// </remarks>
internal static class BufferTtftBench
{
    private static readonly byte[] DataPrefix = "data:"u8.ToArray();

    public static async Task<int> RunAsync(int requests, int concurrency, TextWriter output)
    {
        await using var simulator = await SimulatorHost.StartAsync(SimulatorOptions.Open() with { Port = 0, Seed = 11 });
        var yaml = $$"""
            server: { listen: "http://127.0.0.1:0" }
            registry: { enforce: off }
            providers:
              sim: { kind: openai, base_url: "{{new Uri(simulator.BaseAddress, "v1")}}" }
            deployments:
              llama: { provider: sim, model: llama-3.1-8b-instruct }
            routes:
              pass:
                quality: { streaming: pass-through }
                tiers: [ { name: open, deployments: [llama] } ]
              buffer:
                quality: { streaming: buffer }
                tiers: [ { name: open, deployments: [llama] } ]
            """;
        var config = ConfigLoader.Parse(yaml, "buffer-ttft.yaml", _ => null);
        if (config.Config is null)
        {
            throw new InvalidOperationException("The bench's configuration is invalid:\n" + string.Join("\n", config.Errors));
        }

        await using var gateway = await GatewayHost.StartAsync(config.Config, new GatewayHostOptions { RequestLogStore = new NoRequestLog(), WatchConfig = false });
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = concurrency * 2 })
        {
            BaseAddress = new Uri(gateway.BaseAddress, "v1/"),
            Timeout = TimeSpan.FromSeconds(60),
        };

        // A few requests first: JIT and connections, not measured.
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(i => OneAsync(client, i % 2 == 0 ? "pass" : "buffer", -1 - i)));

        var samples = new Dictionary<string, List<(double Ttft, double Total, int Tokens)>>(StringComparer.Ordinal) { ["pass"] = [], ["buffer"] = [] };
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests * 2)
            {
                // Even: pass-through, odd: buffer, for the same prompt (i / 2): both modes get the same answers.
                var route = i % 2 == 0 ? "pass" : "buffer";
                var sample = await OneAsync(client, route, i / 2);
                lock (samples)
                {
                    samples[route].Add(sample);
                }
            }
        }));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var pass = samples["pass"];
        var buffer = samples["buffer"];
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv,
            $"streaming: buffer against pass-through, the simulator's open model (120 ms ±30% to first token, 70 tokens/s ±20%), {requests} streamed requests per mode, {concurrency} at a time, {seconds:0.0} s, Release={BuildInfo.IsRelease}."));
        output.WriteLine(string.Create(inv, $"Answers: {pass.Average(s => s.Tokens):0} tokens on average (16 to 180)."));
        output.WriteLine();
        output.WriteLine("| mode | TTFT p50 | TTFT p95 | last byte p50 | last byte p95 |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var (name, list) in new[] { ("pass-through", pass), ("buffer", buffer) })
        {
            output.WriteLine(string.Create(inv,
                $"| {name} | {Percentile(list, s => s.Ttft, 0.5):0} ms | {Percentile(list, s => s.Ttft, 0.95):0} ms | {Percentile(list, s => s.Total, 0.5):0} ms | {Percentile(list, s => s.Total, 0.95):0} ms |"));
        }

        output.WriteLine(string.Create(inv,
            $"| buffer / pass-through | {Percentile(buffer, s => s.Ttft, 0.5) / Percentile(pass, s => s.Ttft, 0.5):0.0}x | {Percentile(buffer, s => s.Ttft, 0.95) / Percentile(pass, s => s.Ttft, 0.95):0.0}x | {Percentile(buffer, s => s.Total, 0.5) / Percentile(pass, s => s.Total, 0.5):0.00}x | {Percentile(buffer, s => s.Total, 0.95) / Percentile(pass, s => s.Total, 0.95):0.00}x |"));
        output.WriteLine();
        output.WriteLine("A buffered stream's first token comes when the whole answer has been generated and checked: about when a passed-through stream ends.");
        return 0;
    }

    private static async Task<(double Ttft, double Total, int Tokens)> OneAsync(HttpClient client, string route, int prompt)
    {
        var body = $$"""{"model":"{{route}}","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Tell me something about rivers, question {{prompt}}."}]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        var start = Stopwatch.GetTimestamp();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{route}: HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[16 * 1024];
        var all = new MemoryStream();
        double? ttft = null;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            all.Write(buffer, 0, read);
            if (ttft is null && all.GetBuffer().AsSpan(0, (int)all.Length).IndexOf(DataPrefix) >= 0)
            {
                ttft = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }

        var total = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var text = Encoding.UTF8.GetString(all.GetBuffer(), 0, (int)all.Length);
        var at = text.LastIndexOf("\"completion_tokens\":", StringComparison.Ordinal);
        var tokens = 0;
        if (at >= 0)
        {
            var digits = text.AsSpan(at + "\"completion_tokens\":".Length);
            tokens = int.Parse(digits[..digits.IndexOfAnyExceptInRange('0', '9')], CultureInfo.InvariantCulture);
        }

        return (ttft ?? total, total, tokens);
    }

    private static double Percentile(List<(double Ttft, double Total, int Tokens)> samples, Func<(double Ttft, double Total, int Tokens), double> value, double fraction)
    {
        var sorted = samples.Select(value).Order().ToList();
        return Streaming.TtftProbe.Percentile(sorted, fraction);
    }

    /// <summary>The bench keeps no request log: writing one would only add its own noise.</summary>
    private sealed class NoRequestLog : IRequestLogStore
    {
        public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task WriteBatchAsync(IReadOnlyList<RequestLogEntry> batch, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyList<RequestLogEntry>> QueryAsync(RequestLogQuery query, CancellationToken cancellationToken)
            => Task.FromResult<IReadOnlyList<RequestLogEntry>>([]);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
