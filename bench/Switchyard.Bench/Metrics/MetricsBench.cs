using System.Diagnostics;
using System.Globalization;
using System.Text;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Diagnostics.Metrics;
using Switchyard.Gateway.Fallback;
using Switchyard.Gateway.Internal;

namespace Switchyard.Bench.Metrics;

/// <summary>
/// <c>metrics</c> mode: what the metrics cost. (1) Recording one finished request as the forwarder does (one
/// <see cref="GatewayMetrics.Observe"/> and one <see cref="GatewayMetrics.ObserveAttempt"/>), against the floor of any
/// metric, one interlocked increment of one counter, in the same run: nanoseconds and bytes per request, on one thread
/// and on every core at once (the counters are shared, so cores contend for their cache lines). (2) A scrape of a
/// gateway of 50 routes and 20 deployments after traffic on every route, tier and deployment: time, bytes allocated,
/// size of the page and number of series.
/// </summary>
internal static class MetricsBench
{
    public static int Run(int requests, TextWriter output)
    {
        var config = BuildConfig(routes: 50, deployments: 20);
        output.WriteLine($"Recording one request in the metrics, against one interlocked increment, {requests:N0} requests per pass, best of 5 passes, Release={BuildInfo.IsRelease}.");
        output.WriteLine();
        output.WriteLine("| what | threads | ns/request | ratio | bytes/request |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        var metrics = new GatewayMetrics(TimeProvider.System);
        var observations = Observations(config);
        var counter = 0L;
        var baseline = Measure(requests, 1, _ => Interlocked.Increment(ref counter));
        var recording = Measure(requests, 1, i => Record(metrics, config, observations[i % observations.Length]));
        Row(output, "one interlocked increment (baseline)", 1, baseline, baseline);
        Row(output, "Observe + ObserveAttempt", 1, recording, baseline);
        var threads = Environment.ProcessorCount;
        var contendedBaseline = Measure(requests, threads, _ => Interlocked.Increment(ref counter));
        var contended = Measure(requests, threads, i => Record(metrics, config, observations[i % observations.Length]));
        Row(output, "one interlocked increment (baseline)", threads, contendedBaseline, contendedBaseline);
        Row(output, "Observe + ObserveAttempt", threads, contended, contendedBaseline);

        output.WriteLine();
        using var runtime = new GatewayRuntime(config, null, TimeProvider.System);
        var page = MetricsExposition.Write(metrics, runtime, 0).ToUtf8();
        var series = Encoding.UTF8.GetString(page).Split('\n').Count(l => l.Length > 0 && l[0] != '#');
        var times = new double[20];
        var allocated = long.MaxValue;
        for (var i = 0; i < times.Length; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var start = Stopwatch.GetTimestamp();
            page = MetricsExposition.Write(metrics, runtime, 0).ToUtf8();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Array.Sort(times);
        output.WriteLine($"A scrape of {config.Routes.Length} routes x {config.Deployments.Length} deployments, {metrics.Requests.Count} route/tier/deployment series, after traffic on each (20 scrapes):");
        output.WriteLine();
        output.WriteLine("| page | samples | median | slowest | allocated |");
        output.WriteLine("| ---: | ---: | ---: | ---: | ---: |");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {page.Length / 1024.0:0} KiB | {series:N0} | {times[times.Length / 2]:0.0} ms | {times[^1]:0.0} ms | {allocated / 1024.0 / 1024.0:0.0} MiB |"));
        return 0;
    }

    private static void Record(GatewayMetrics metrics, GatewayConfig config, in RequestObservation observation)
    {
        metrics.Observe(observation, config);
        metrics.ObserveAttempt(observation.Deployment!, "ok", observation.Seconds * 1000);
    }

    /// <summary>The best of 5 passes, each <paramref name="requests"/> calls spread over <paramref name="threads"/> threads: (ns per call, bytes per call).</summary>
    private static (double Nanoseconds, double Bytes) Measure(int requests, int threads, Action<int> operation)
    {
        var best = (Nanoseconds: double.MaxValue, Bytes: double.MaxValue);
        for (var pass = 0; pass < 6; pass++)
        {
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var start = Stopwatch.GetTimestamp();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, thread =>
            {
                for (var i = thread; i < requests; i += threads)
                {
                    operation(i);
                }
            });
            var elapsed = Stopwatch.GetElapsedTime(start);
            var bytes = (double)(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / requests;
            if (pass > 0)
            {
                // The first pass warms up (tiered compilation, the series created once per name).
                best = (Math.Min(best.Nanoseconds, elapsed.TotalNanoseconds / requests), Math.Min(best.Bytes, bytes));
            }
        }

        return best;
    }

    private static void Row(TextWriter output, string what, int threads, (double Nanoseconds, double Bytes) measured, (double Nanoseconds, double Bytes) baseline)
        => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {what} | {threads} | {measured.Nanoseconds:0.0} | {measured.Nanoseconds / baseline.Nanoseconds:0.0}x | {measured.Bytes:0.0} |"));

    /// <summary>
    /// One request for every route, tier and deployment of <paramref name="config"/>, in the mix a gateway sees: most
    /// answered, some streamed, some after a fallback or an escalation, a few errors.
    /// </summary>
    private static RequestObservation[] Observations(GatewayConfig config)
    {
        var list = new List<RequestObservation>();
        var n = 0;
        foreach (var route in config.Routes)
        {
            foreach (var tier in route.EffectiveTiers())
            {
                foreach (var member in tier.Members)
                {
                    n++;
                    list.Add(new RequestObservation
                    {
                        Endpoint = EndpointKind.ChatCompletions,
                        Route = route.Name,
                        Tier = tier.Name,
                        Deployment = member.Deployment,
                        Team = n % 3 == 0 ? "search" : "support",
                        Status = n % 17 == 0 ? 502 : 200,
                        Error = n % 17 == 0 ? "upstream_error" : null,
                        Seconds = 0.2 + (n % 40) * 0.05,
                        FirstTokenSeconds = n % 2 == 0 ? 0.05 + (n % 10) * 0.02 : null,
                        InputTokens = 200 + n,
                        OutputTokens = 80 + n,
                        Cost = 0.0001 * (n % 7),
                        BaselineCost = 0.001,
                        Escalated = n % 11 == 0,
                        EscalatedBecause = Switchyard.Gateway.Quality.QualityFailures.Refusal,
                        FallbackFrom = n % 13 == 0 ? UpstreamFailureKind.Timeout : null,
                    });
                }
            }
        }

        return [.. list];
    }

    /// <summary>A configuration of <paramref name="routes"/> routes over <paramref name="deployments"/> deployments: each route an open tier of two and a frontier tier of two.</summary>
    private static GatewayConfig BuildConfig(int routes, int deployments)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("providers: { vllm: { kind: openai, base_url: \"http://127.0.0.1:9/v1\" } }");
        yaml.AppendLine("registry: { enforce: off }");
        yaml.AppendLine("teams: { search: {}, support: {} }");
        yaml.AppendLine("deployments:");
        for (var d = 0; d < deployments; d++)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"  model-{d}: {{ provider: vllm, model: m{d}, pricing: {{ input: 0.5, output: 1.5 }} }}");
        }

        yaml.AppendLine("routes:");
        for (var r = 0; r < routes; r++)
        {
            var (a, b, c, e) = (r % deployments, (r + 1) % deployments, (r + 7) % deployments, (r + 8) % deployments);
            yaml.AppendLine(CultureInfo.InvariantCulture, $"  route-{r}: {{ tiers: [ {{ name: open, deployments: [model-{a}, model-{b}] }}, {{ name: frontier, deployments: [model-{c}, model-{e}] }} ] }}");
        }

        var result = ConfigLoader.Parse(yaml.ToString(), "bench.yaml", _ => null);
        return result.Config ?? throw new InvalidOperationException(string.Join("\n", result.Errors));
    }
}
