using Microsoft.Extensions.Logging;

namespace Switchyard.Simulator.Internal;

/// <summary>
/// Wraps the caller's logger factory so that Kestrel's "unhandled exception" error for a <see cref="ConnectionCutException"/>
/// (a fault the simulator injected on purpose) is not logged; everything else passes through.
/// </summary>
internal sealed class CutFilteringLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return categoryName.StartsWith("Microsoft.AspNetCore.Server.Kestrel", StringComparison.Ordinal) ? new Filtered(logger) : logger;
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    /// <summary>The caller owns the wrapped factory.</summary>
    public void Dispose()
    {
    }

    private sealed class Filtered(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
            => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is ConnectionCutException)
            {
                return;
            }

            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
