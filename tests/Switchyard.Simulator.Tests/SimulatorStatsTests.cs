namespace Switchyard.Simulator.Tests;

public sealed class SimulatorStatsTests
{
    [Fact]
    public async Task WaitForAbortAsync_NotReached_ThrowsTimeoutException()
    {
        var stats = new SimulatorStats();
        var error = await Assert.ThrowsAsync<TimeoutException>(() => stats.WaitForAbortAsync(1, TimeSpan.FromMilliseconds(50)));
        Assert.Contains("aborted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForAbortAsync_CountReachedLater_Completes()
    {
        var stats = new SimulatorStats();
        var wait = stats.WaitForAbortAsync(2, TimeSpan.FromSeconds(10));
        stats.Aborted();
        Assert.False(wait.IsCompleted);
        stats.Aborted();
        await wait;
        Assert.Equal(2, stats.RequestsAborted);
    }

    [Fact]
    public async Task WaitForIdleAsync_AlreadyIdle_CompletesAtOnce()
    {
        var stats = new SimulatorStats();
        stats.RequestStarted();
        stats.RequestEnded();
        await stats.WaitForIdleAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(1, stats.Requests);
        Assert.Equal(0, stats.ActiveRequests);
    }

    [Fact]
    public void GetFaultCount_UnknownFault_Throws()
    {
        Assert.Throws<ArgumentException>(() => new SimulatorStats().GetFaultCount("meteor"));
    }
}
