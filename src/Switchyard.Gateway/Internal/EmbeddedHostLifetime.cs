using Microsoft.Extensions.Hosting;

namespace Switchyard.Gateway.Internal;

/// <summary>
/// A host lifetime that leaves Ctrl-C and SIGTERM alone, for a gateway embedded in a command that handles them itself
/// (<c>switchyard eval run --config</c>): the console lifetime would stop the gateway under the requests in flight.
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
