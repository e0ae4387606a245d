using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Switchyard.Gateway.Tests.Functional;

/// <summary>A logger provider that keeps every event a gateway logs (id, level, text), for tests to read.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<(EventId Id, LogLevel Level, string Category, string Message)> _events = new();

    public IReadOnlyList<(EventId Id, LogLevel Level, string Category, string Message)> Events => [.. _events];

    /// <summary>The messages of the events with <paramref name="id"/>, in order.</summary>
    public IReadOnlyList<string> Messages(int id) => [.. _events.Where(e => e.Id.Id == id).Select(e => e.Message)];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => owner._events.Enqueue((eventId, logLevel, category, formatter(state, exception)));
    }
}
