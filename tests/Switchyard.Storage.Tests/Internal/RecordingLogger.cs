using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Switchyard.Storage.Tests.Internal;

/// <summary>Keeps every log call; can be told to throw, to stand in for a broken logging provider.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<LogRecord> _records = new();

    public bool ThrowOnLog { get; set; }

    public IReadOnlyList<LogRecord> Records => [.. _records];

    public IReadOnlyList<LogRecord> WithEventId(int id) => [.. _records.Where(r => r.EventId.Id == id)];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        _records.Enqueue(new LogRecord(logLevel, eventId, formatter(state, exception), exception));
        if (ThrowOnLog)
        {
            throw new InvalidOperationException("The logging provider is broken.");
        }
    }
}

internal sealed record LogRecord(LogLevel Level, EventId EventId, string Message, Exception? Exception);
