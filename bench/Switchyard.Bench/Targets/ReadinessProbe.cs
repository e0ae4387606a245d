using System.Net;
using System.Net.Http.Headers;
using Switchyard.Bench.Processes;

namespace Switchyard.Bench.Targets;

/// <summary>
/// Waits until a freshly started server answers the benchmark's request correctly: polling, since a process that is
/// still starting gives no other signal. Fails early when the process exits or answers with a client error.
/// </summary>
internal static class ReadinessProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <exception cref="InvalidOperationException">The server exited, refused the request, or was not ready in time.</exception>
    public static async Task WaitAsync(ChildProcess process, TargetEndpoint endpoint, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(2) };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + Timeout;
        var last = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.Name} exited ({ChildProcess.DescribeExit(process.ExitCode)}) while starting; its output ({process.LogPath}) ends with:\n{process.LogTail()}");
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.ChatCompletions) { Content = new ByteArrayContent(endpoint.BodyBytes(stream: false)) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            foreach (var (name, value) in endpoint.AllHeaders())
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            try
            {
                using var response = await client.SendAsync(request, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK && text.Contains("\"choices\"", StringComparison.Ordinal))
                {
                    return;
                }

                last = $"HTTP {(int)response.StatusCode}: {(text.Length > 300 ? text[..300] + "..." : text)}";
                if ((int)response.StatusCode is >= 400 and < 500)
                {
                    throw new InvalidOperationException($"{process.Name} refused the benchmark's request: {last}");
                }
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                last = "no answer within 5 s";
            }

            await Task.Delay(Interval, cancellationToken);
        }

        throw new InvalidOperationException($"{process.Name} did not answer the benchmark's request within {Timeout.TotalSeconds} s (last: {last}); its output ({process.LogPath}) ends with:\n{process.LogTail()}");
    }
}
