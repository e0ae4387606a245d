using Microsoft.Extensions.Logging;

namespace Switchyard.Gateway.Internal;

/// <summary>A logger provider that the logger factories of one host share without disposing it: its owner does.</summary>
internal sealed class UndisposedLoggerProvider(ILoggerProvider inner) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => inner.CreateLogger(categoryName);

    public void Dispose()
    {
        // The owner of the inner provider disposes it; the host's two logger factories both end before it does.
    }
}
