using Switchyard.Storage.RequestLog;

namespace Switchyard.Storage.Tests.Internal;

/// <summary>Request log entries for tests.</summary>
internal static class TestEntries
{
    public static readonly DateTimeOffset Start = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    /// <summary>Entry number <paramref name="n"/>, one second after entry n-1, request id <c>req-n</c>.</summary>
    public static RequestLogEntry Create(int n, string route = "chat", string deployment = "llama-vllm", int status = 200) => new()
    {
        Timestamp = Start.AddSeconds(n),
        RequestId = $"req-{n}",
        Endpoint = "chat.completions",
        Route = route,
        Deployment = deployment,
        Attempts = 1,
        Status = status,
        Stream = n % 2 == 0,
        LatencyMs = 100 + n,
        TimeToFirstTokenMs = n % 2 == 0 ? 20 + n : null,
        InputTokens = 10 + n,
        OutputTokens = 20 + n,
        ErrorType = status >= 400 ? "upstream_error" : null,
        ErrorMessage = status >= 400 ? "upstream answered 503" : null,
    };
}
