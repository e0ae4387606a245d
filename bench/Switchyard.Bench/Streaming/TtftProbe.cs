using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Switchyard.Bench.Targets;

namespace Switchyard.Bench.Streaming;

/// <summary>
/// Sends streaming requests one after another on one kept-alive connection and times each from the moment the request is
/// sent to the first body bytes holding <c>data:</c>. The client's own cost is the same for every target, so the
/// difference to the upstream alone is what the target adds.
/// </summary>
internal static class TtftProbe
{
    private const int Warmup = 20;
    private static readonly TimeSpan PerRequest = TimeSpan.FromSeconds(10);
    private static readonly byte[] DataPrefix = "data:"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]"u8.ToArray();

    public static async Task<TtftResult> RunAsync(TargetEndpoint endpoint, int requests, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            MaxConnectionsPerServer = 1,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        };
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var body = endpoint.BodyBytes(stream: true);
        var buffer = new byte[16 * 1024];
        var samples = new List<double>(requests);
        var errors = 0;
        string? firstError = null;

        for (var i = 0; i < Warmup + requests; i++)
        {
            var (ttft, error) = await OneAsync(client, endpoint, body, buffer, cancellationToken);
            if (i < Warmup)
            {
                continue;
            }

            if (error is null)
            {
                samples.Add(ttft);
            }
            else
            {
                errors++;
                firstError ??= error;
            }
        }

        samples.Sort();
        return new TtftResult(
            requests,
            samples.Count,
            errors,
            samples.Count == 0 ? double.NaN : Percentile(samples, 0.50),
            samples.Count == 0 ? double.NaN : Percentile(samples, 0.99),
            firstError);
    }

    /// <summary>Nearest-rank percentile of sorted samples.</summary>
    public static double Percentile(List<double> sorted, double fraction)
    {
        var rank = (int)Math.Ceiling(fraction * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    private static async Task<(double TtftMs, string? Error)> OneAsync(
        HttpClient client, TargetEndpoint endpoint, byte[] body, byte[] buffer, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.ChatCompletions)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in endpoint.AllHeaders())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PerRequest);
        try
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var text = await response.Content.ReadAsStringAsync(timeout.Token);
                return (0, $"HTTP {(int)response.StatusCode}: {Shorten(text)}");
            }

            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            double? ttft = null;
            // The last bytes read, so that a marker split across two reads is still found.
            var tail = new byte[64];
            var tailLength = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                var window = Join(tail, tailLength, buffer, read);
                if (ttft is null && window.AsSpan().IndexOf(DataPrefix) >= 0)
                {
                    ttft = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }

                tailLength = Math.Min(tail.Length, window.Length);
                Array.Copy(window, window.Length - tailLength, tail, 0, tailLength);
            }

            if (ttft is null)
            {
                return (0, "the stream ended without a data: chunk");
            }

            return tail.AsSpan(0, tailLength).IndexOf(Done) < 0 ? (0, "the stream did not end with data: [DONE]") : (ttft.Value, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (0, $"no complete stream within {PerRequest.TotalSeconds} s");
        }
        catch (HttpRequestException e)
        {
            return (0, e.Message);
        }
        catch (IOException e)
        {
            return (0, e.Message);
        }
    }

    private static byte[] Join(byte[] tail, int tailLength, byte[] buffer, int read)
    {
        var window = new byte[tailLength + read];
        Array.Copy(tail, window, tailLength);
        Array.Copy(buffer, 0, window, tailLength, read);
        return window;
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";
}
