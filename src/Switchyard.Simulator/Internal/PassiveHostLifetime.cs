using Microsoft.Extensions.Hosting;

namespace Switchyard.Simulator.Internal;

/// <summary>
/// A host lifetime that does nothing. The default console lifetime would take over Ctrl-C and SIGTERM for the whole process,
/// but the simulator is a component inside a test run or a CLI command, whose owner decides when it stops (by disposing it).
/// </summary>
internal sealed class PassiveHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
