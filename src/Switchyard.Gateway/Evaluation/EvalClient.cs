using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Switchyard.Gateway.Evaluation;

/// <summary>
/// Sends chat completions to a gateway over HTTP for <c>switchyard eval</c>, with the key, the pinned deployment and the
/// case's tags as headers, and retries with jittered exponential backoff on 429, 5xx and broken connections (honouring
/// <c>Retry-After</c>). Streams are read event by event: the time to the first text or tool call, and the cost from the
/// <c>: x-switchyard-cost:</c> comment the gateway writes before <c>data: [DONE]</c>.
/// </summary>
internal sealed class EvalClient(HttpClient http, Uri baseAddress, string? key, TimeProvider time, int retries, TimeSpan timeout)
{
    /// <summary>The first retry waits about this long, each next one twice as long (with jitter), up to <see cref="MaxBackoff"/>.</summary>
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between tries, and the most of a <c>Retry-After</c> that is honoured.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private static ReadOnlySpan<byte> CostComment => ": x-switchyard-cost:"u8;

    private static ReadOnlySpan<byte> EstimatedComment => ": x-switchyard-cost-estimated:"u8;

    private readonly Uri _endpoint = new(baseAddress, "v1/chat/completions");

    /// <summary>Random jitter for backoff; a test may fix it.</summary>
    public Random Jitter { get; init; } = Random.Shared;

    /// <summary>
    /// Sends <paramref name="body"/> (a chat completion, <c>stream</c> as it says) until it is answered or the tries run
    /// out. <paramref name="requestId"/> is sent as <c>x-request-id</c> (a retry adds <c>.retryN</c>).
    /// </summary>
    public async Task<EvalCall> SendAsync(byte[] body, EvalModel model, bool stream, IReadOnlyList<string> tags, string requestId, CancellationToken cancellationToken)
    {
        EvalCall? last = null;
        for (var attempt = 0; attempt <= retries; attempt++)
        {
            var id = attempt == 0 ? requestId : requestId + ".retry" + attempt.ToString(CultureInfo.InvariantCulture);
            var (call, retryAfter) = await TryOnceAsync(body, model, stream, tags, id, cancellationToken);
            last = call with { Tries = attempt + 1 };
            if (!Retryable(call) || attempt == retries)
            {
                break;
            }

            // Full jitter on an exponential schedule: many concurrent cases that hit one 429 do not retry in step.
            var backoff = Math.Min(MaxBackoff.TotalMilliseconds, FirstBackoff.TotalMilliseconds * Math.Pow(2, attempt));
            var wait = retryAfter is { } told ? Math.Min(told.TotalMilliseconds, MaxBackoff.TotalMilliseconds) : backoff * (0.5 + (Jitter.NextDouble() / 2));
            await Task.Delay(TimeSpan.FromMilliseconds(wait), time, cancellationToken);
        }

        return last!;
    }

    /// <summary>A try that may succeed if sent again: rate limited, a server error, or no response at all.</summary>
    private static bool Retryable(EvalCall call) => call.Error is not null && call.Status is 0 or 429 or 500 or 502 or 503 or 504;

    private async Task<(EvalCall Call, TimeSpan? RetryAfter)> TryOnceAsync(byte[] body, EvalModel model, bool stream, IReadOnlyList<string> tags, string requestId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("x-request-id", requestId);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (model.Deployment is { } deployment)
        {
            request.Headers.TryAddWithoutValidation("x-switchyard-deployment", deployment);
        }

        if (tags.Count > 0)
        {
            request.Headers.TryAddWithoutValidation("x-switchyard-tags", string.Join(",", tags));
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var start = time.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var status = (int)response.StatusCode;
            var headers = Headers(response, requestId);
            if (status is < 200 or > 299)
            {
                var error = await response.Content.ReadAsByteArrayAsync(deadline.Token);
                var call = headers with { Status = status, LatencyMs = Elapsed(start), Error = Describe(status, error) };
                return (call, RetryAfter(response));
            }

            if (stream)
            {
                return (await ReadStreamAsync(response, headers, start, deadline.Token), null);
            }

            var json = await response.Content.ReadAsByteArrayAsync(deadline.Token);
            var answer = new EvalAnswer();
            if (!answer.ReadCompletion(json))
            {
                return (headers with { Status = status, LatencyMs = Elapsed(start), Error = $"the answer is not a chat completion ({json.Length:N0} bytes)" }, null);
            }

            return (headers with { Status = status, Answer = answer, LatencyMs = Elapsed(start) }, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (new EvalCall { RequestId = requestId, LatencyMs = Elapsed(start), Error = $"no answer within {timeout.TotalSeconds:0.#} s" }, null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return (new EvalCall { RequestId = requestId, LatencyMs = Elapsed(start), Error = $"the connection to {baseAddress.GetLeftPart(UriPartial.Authority)} failed: {e.Message}" }, null);
        }
    }

    private async Task<EvalCall> ReadStreamAsync(HttpResponseMessage response, EvalCall headers, long start, CancellationToken cancellationToken)
    {
        var reader = PipeReader.Create(await response.Content.ReadAsStreamAsync(cancellationToken));
        var answer = new EvalAnswer();
        double? firstToken = null;
        decimal? cost = headers.Cost;
        var estimated = headers.CostEstimated;
        var done = false;
        string? error = null;
        try
        {
            while (!done && error is null)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                while (error is null && TryReadLine(ref buffer, out var line))
                {
                    if (line.StartsWith(CostComment))
                    {
                        cost = ParseCost(line[CostComment.Length..]) ?? cost;
                    }
                    else if (line.StartsWith(EstimatedComment))
                    {
                        estimated = true;
                    }
                    else if (line.StartsWith("data:"u8))
                    {
                        var data = line[5..].TrimStart((byte)' ');
                        if (data.SequenceEqual("[DONE]"u8))
                        {
                            done = true;
                            break;
                        }

                        if (IsError(data, out var message))
                        {
                            error = message;
                            break;
                        }

                        if (!answer.ReadChunk(data))
                        {
                            error = "the stream carried an event that is not JSON";
                            break;
                        }

                        if (firstToken is null && answer.Started)
                        {
                            firstToken = Elapsed(start);
                        }
                    }
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted && !done && error is null)
                {
                    error = "the stream ended without data: [DONE]";
                }
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }

        return headers with
        {
            Status = (int)response.StatusCode,
            Answer = error is null ? answer : null,
            LatencyMs = Elapsed(start),
            TimeToFirstTokenMs = firstToken,
            Cost = cost,
            CostEstimated = estimated,
            Error = error,
        };
    }

    /// <summary>The next line (without its <c>\n</c> or <c>\r\n</c>), as a new array: events are small and this is a cold path.</summary>
    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out byte[] line)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> slice, (byte)'\n'))
        {
            line = [];
            return false;
        }

        line = slice.ToArray();
        if (line.Length > 0 && line[^1] == '\r')
        {
            line = line[..^1];
        }

        buffer = buffer.Slice(reader.Position);
        return true;
    }

    private static bool IsError(ReadOnlySpan<byte> data, out string message)
    {
        message = "";
        try
        {
            var reader = new Utf8JsonReader(data);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error))
            {
                message = "the stream ended with an error: " + (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var text) ? text.GetString() : error.GetRawText());
                return true;
            }
        }
        catch (JsonException)
        {
            // Not JSON: the caller says so.
        }

        return false;
    }

    private EvalCall Headers(HttpResponseMessage response, string requestId)
    {
        string? Header(string name) => response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
        return new EvalCall
        {
            RequestId = Header("x-request-id") ?? requestId,
            Deployment = Header("x-switchyard-deployment"),
            Cost = Header("x-switchyard-cost") is { } cost ? ParseCost(Encoding.ASCII.GetBytes(cost)) : null,
            CostEstimated = Header("x-switchyard-cost-estimated") == "true",
            QualityScore = double.TryParse(Header("x-switchyard-quality-score"), NumberStyles.Float, CultureInfo.InvariantCulture, out var score) ? score : null,
            QualityFailed = Header("x-switchyard-quality-failed"),
        };
    }

    private static decimal? ParseCost(ReadOnlySpan<byte> text)
        => decimal.TryParse(Encoding.ASCII.GetString(text).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var cost) ? cost : null;

    /// <summary>The gateway's error in its own words (OpenAI's error JSON), or the status and the start of the body.</summary>
    private static string Describe(int status, byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? $" ({c.GetString()})" : "";
                return $"{status}{code}: {(error.TryGetProperty("message", out var m) ? m.GetString() : error.GetRawText())}";
            }
        }
        catch (JsonException)
        {
            // Not the gateway's JSON (a proxy's page): quote it.
        }

        var text = Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 200))).ReplaceLineEndings(" ").Trim();
        return $"{status} {(HttpStatusCode)status}" + (text.Length > 0 ? ": " + text : "");
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
        => response.Headers.RetryAfter?.Delta is { } delta ? delta : null;

    private double Elapsed(long start) => Math.Round(time.GetElapsedTime(start).TotalMilliseconds, 2);
}
