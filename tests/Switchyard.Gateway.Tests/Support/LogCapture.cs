using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Switchyard.Gateway.Tests.Support;

/// <summary>A log sink for <see cref="GatewayHostOptions.LogSink"/>: keeps every message and lets a test await one.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<(EventId Id, LogLevel Level, string Category, string Message)> _messages = new();
    private readonly SemaphoreSlim _arrived = new(0);

    /// <summary>Every event logged so far (id, level, category, text), in order.</summary>
    public IReadOnlyList<(EventId Id, LogLevel Level, string Category, string Message)> Events => [.. _messages];

    /// <summary>The messages of the events with <paramref name="id"/>, in order.</summary>
    public IReadOnlyList<string> Messages(int id) => [.. _messages.Where(e => e.Id.Id == id).Select(e => e.Message)];

    /// <summary>The first message at <paramref name="level"/> or above that contains <paramref name="text"/>, awaited up to <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForAsync(string text, LogLevel level, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            foreach (var (_, l, _, message) in _messages)
            {
                if (l >= level && message.Contains(text, StringComparison.Ordinal))
                {
                    return message;
                }
            }

            try
            {
                await _arrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No {level} message containing \"{text}\" within {timeout}; logged:{Environment.NewLine}{string.Join(Environment.NewLine, _messages.Select(m => $"{m.Level} {m.Category}: {m.Message}"))}");
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    // Nothing to release: the semaphore holds no wait handle. A gateway may still log from a background task after a test
    // disposed its capture (the host outlives the `using`), and a logger that throws then crashes the test host.
    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            owner._messages.Enqueue((eventId, logLevel, category, formatter(state, exception)));
            owner._arrived.Release();
        }
    }
}
