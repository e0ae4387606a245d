using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Forwarding;
using Switchyard.Gateway.Routing;
using Switchyard.Gateway.Routing.Content;

namespace Switchyard.Bench.Routing;

/// <summary>
/// <c>routing</c> mode: what content routing costs per request. For each chat body of the labelled prompt corpus, times
/// <see cref="PromptText.Extract(ReadOnlySpan{byte}, EndpointKind, Span{char}, out int)"/> +
/// <see cref="PromptClassifier.Classify"/> + <see cref="PiiDetector.Scan"/>, and, interleaved in the same run, a plain
/// <see cref="Utf8JsonReader"/> pass over the same bytes (the least any body inspection costs). Prints medians, p99s,
/// their ratio, and bytes allocated per request. Wall-clock percentiles include time the harness spent descheduled when the
/// machine is busy; the CPU columns (process CPU time of separate, non-interleaved loops) do not, so they hold up under load.
/// </summary>
internal static class RoutingBench
{
    private const int WarmupRounds = 50;

    public static int Run(string repoRoot, int rounds, TextWriter output)
    {
        var corpus = Path.Combine(repoRoot, "tests", "Switchyard.Gateway.Tests", "Routing", "Content", "prompts.jsonl");
        if (!File.Exists(corpus))
        {
            output.WriteLine($"routing: the prompt corpus is missing: {corpus}");
            return 1;
        }

        var prompts = File.ReadLines(corpus).Where(l => l.Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("prompt").GetString()!).ToArray();

        // Each prompt as a chat (system + user); then 8 and 32 prompts pasted into one message, for about 1 KB and 3 KB.
        var typical = prompts.Select(p => ChatBody([p])).ToArray();
        var medium = Enumerable.Range(0, prompts.Length / 8).Select(i => ChatBody([.. prompts.Skip(i * 8).Take(8)])).ToArray();
        var longer = Enumerable.Range(0, prompts.Length / 32).Select(i => ChatBody([.. prompts.Skip(i * 32).Take(32)])).ToArray();

        output.WriteLine($"Routing decision per request: parse the body (RequestParser), find the route, decide (tags, pinning, PromptText.Extract +");
        output.WriteLine($"PromptClassifier.Classify + PiiDetector.Scan, the tier order) and pick a deployment of the first tier (Balancer), on a");
        output.WriteLine($"route with code, legal and medical specialist tiers, a latency-balanced open tier and an external frontier tier;");
        output.WriteLine($"versus a plain Utf8JsonReader pass over the same body, interleaved, {rounds} rounds, Release={BuildInfo.IsRelease}.");
        output.WriteLine();
        output.WriteLine("| bodies | count | mean size | baseline p50 | baseline p99 | routing p50 | routing p99 | ratio p50 | ratio p99 | baseline CPU | routing CPU | ratio CPU | bytes/request |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        Measure("one prompt", typical, rounds, output);
        Measure("8 prompts", medium, rounds, output);
        Measure("32 prompts", longer, rounds, output);
        return 0;
    }

    private static void Measure(string title, byte[][] bodies, int rounds, TextWriter output)
    {
        var buffer = new char[8192];
        var routing = new long[bodies.Length * rounds];
        var baseline = new long[bodies.Length * rounds];
        var sink = 0L;
        for (var round = 0; round < WarmupRounds; round++)
        {
            foreach (var body in bodies)
            {
                sink += Route(body, buffer) + Baseline(body);
            }
        }

        var allocated = 0L;
        var n = 0;
        for (var round = 0; round < rounds; round++)
        {
            foreach (var body in bodies)
            {
                var start = Stopwatch.GetTimestamp();
                sink += Baseline(body);
                var middle = Stopwatch.GetTimestamp();
                var before = GC.GetAllocatedBytesForCurrentThread();
                sink += Route(body, buffer);
                allocated += GC.GetAllocatedBytesForCurrentThread() - before;
                var end = Stopwatch.GetTimestamp();
                baseline[n] = middle - start;
                routing[n] = end - middle;
                n++;
            }
        }

        // Process CPU time also counts the runtime's background threads (tiered compilation): take the better of two loops.
        var baselineCpu = Math.Min(CpuMicroseconds(bodies, rounds, body => Baseline(body)), CpuMicroseconds(bodies, rounds, body => Baseline(body)));
        var routingCpu = Math.Min(CpuMicroseconds(bodies, rounds, body => Route(body, buffer)), CpuMicroseconds(bodies, rounds, body => Route(body, buffer)));
        Array.Sort(routing);
        Array.Sort(baseline);
        var size = bodies.Average(b => b.Length);
        double Micro(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
        var (b50, b99, r50, r99) = (Micro(Percentile(baseline, 0.5)), Micro(Percentile(baseline, 0.99)), Micro(Percentile(routing, 0.5)), Micro(Percentile(routing, 0.99)));
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {title} | {bodies.Length} | {size:0} B | {b50:0.00} µs | {b99:0.00} µs | {r50:0.00} µs | {r99:0.00} µs | {r50 / b50:0.0}x | {r99 / b99:0.0}x | {baselineCpu:0.00} µs | {routingCpu:0.00} µs | {routingCpu / baselineCpu:0.0}x | {(double)allocated / n:0} |"));
        GC.KeepAlive(sink);
    }

    /// <summary>Mean process CPU time per call of <paramref name="operation"/> over every body, <paramref name="rounds"/> times.</summary>
    private static double CpuMicroseconds(byte[][] bodies, int rounds, Func<byte[], int> operation)
    {
        var sink = 0L;
        var start = Environment.CpuUsage.TotalTime;
        for (var round = 0; round < rounds; round++)
        {
            foreach (var body in bodies)
            {
                sink += operation(body);
            }
        }

        var elapsed = Environment.CpuUsage.TotalTime - start;
        GC.KeepAlive(sink);
        return elapsed.TotalMicroseconds / ((double)rounds * bodies.Length);
    }

    private static readonly RouteTable Table = BuildTable();
    private static readonly DefaultHttpContext Context = new();

    /// <summary>
    /// What the request path does before the first upstream call: parse, look the route up, decide (the content
    /// classifier and the personal-data scan included), and pick a deployment of the first tier.
    /// </summary>
    private static int Route(byte[] body, char[] buffer)
    {
        Span<char> model = stackalloc char[256];
        if (!RequestParser.TryParse(body, EndpointKind.ChatCompletions, model, out var parsed, out var modelChars, out _)
            || !Table.TryGetRoute(model[..modelChars], out var route)
            || !RequestForwarder.TryDecide(Context, body, parsed, EndpointKind.ChatCompletions, Table, route, out var decision, out _))
        {
            throw new InvalidOperationException("the benchmark's request did not route");
        }

        var tier = decision.Order[0];
        var pick = Balancer.Pick(tier, (1UL << tier.Members.Length) - 1, Random.Shared);
        return pick + decision.Order.Length + (decision.Label?.Length ?? 0) + (decision.Confidential?.Length ?? 0) + buffer.Length;
    }

    private static RouteTable BuildTable()
    {
        const string Yaml = """
            providers:
              vllm: { kind: openai, base_url: http://127.0.0.1:9/v1 }
              api: { kind: openai, base_url: http://127.0.0.1:9/v1 }
            deployments:
              llama-a: { provider: vllm, model: llama, context_window: 131072 }
              llama-b: { provider: vllm, model: llama, context_window: 131072 }
              coder: { provider: vllm, model: coder, context_window: 32768 }
              legal: { provider: vllm, model: legal, context_window: 32768 }
              medical: { provider: vllm, model: medical, context_window: 32768 }
              frontier: { provider: api, model: gpt, context_window: 128000, hosting: external }
            routes:
              chat:
                tiers:
                  - { name: code, when: [code], deployments: [coder] }
                  - { name: legal, when: [legal], deployments: [legal] }
                  - { name: medical, when: [medical], deployments: [medical] }
                  - { name: open, balance: latency, deployments: [llama-a, llama-b] }
                  - { name: frontier, deployments: [frontier] }
            """;
        var config = ConfigLoader.Parse(Yaml, "<routing bench>", _ => null).Config
            ?? throw new InvalidOperationException("the routing benchmark's configuration is invalid");
        return new RouteTable(config, TimeProvider.System);
    }

    /// <summary>The floor: read every token of the body and nothing else.</summary>
    private static int Baseline(byte[] body)
    {
        var reader = new Utf8JsonReader(body);
        var tokens = 0;
        while (reader.Read())
        {
            tokens++;
        }

        return tokens;
    }

    private static long Percentile(long[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];

    private static byte[] ChatBody(string[] userParts)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("model", "chat");
            writer.WriteStartArray("messages");
            writer.WriteStartObject();
            writer.WriteString("role", "system");
            writer.WriteString("content", "You are a helpful assistant. Answer precisely and say when you are unsure.");
            writer.WriteEndObject();
            writer.WriteStartObject();
            writer.WriteString("role", "user");
            writer.WriteString("content", string.Join("\n\n", userParts));
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteNumber("max_tokens", 512);
            writer.WriteNumber("temperature", 0.2);
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }
}
