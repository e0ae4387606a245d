using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Routing;

namespace Switchyard.Gateway.Tests.Routing;

/// <summary>The circuit breaker's states, on a clock that moves only when the test says so.</summary>
public sealed class CircuitBreakerStateTests
{
    private static readonly CircuitBreakerConfig Config = new()
    {
        FailureRatio = 0.5,
        MinimumAttempts = 4,
        Window = TimeSpan.FromSeconds(30),
        BreakFor = TimeSpan.FromSeconds(15),
    };

    [Fact]
    public void Record_FailuresBelowMinimumAttempts_KeepTheCircuitClosed()
    {
        var (circuit, _, changes) = Make();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(circuit.TryEnter());
            circuit.Record(failed: true);
        }

        Assert.False(circuit.IsBroken);
        Assert.Empty(changes);
    }

    [Fact]
    public void Record_RatioReachedWithMinimumAttempts_OpensAndRefusesUntilTheBreakEnds()
    {
        var (circuit, clock, changes) = Make();
        circuit.Record(failed: false);
        circuit.Record(failed: false);
        circuit.Record(failed: true);
        Assert.False(circuit.IsBroken);
        circuit.Record(failed: true);

        Assert.True(circuit.IsBroken);
        Assert.Equal(["open for 15s"], changes);
        Assert.False(circuit.TryEnter());
        clock.Advance(TimeSpan.FromSeconds(14.9));
        Assert.False(circuit.TryEnter());
    }

    [Fact]
    public void TryEnter_AfterTheBreak_LetsOneProbeThroughAndClosesOnItsSuccess()
    {
        var (circuit, clock, changes) = Make();
        Open(circuit);
        clock.Advance(TimeSpan.FromSeconds(15));

        Assert.True(circuit.TryEnter());
        Assert.False(circuit.TryEnter());
        circuit.Record(failed: false);

        Assert.False(circuit.IsBroken);
        Assert.True(circuit.TryEnter());
        Assert.Equal(["open for 15s", "half-open: one probe is let through", "closed"], changes);
    }

    [Fact]
    public void Abandon_CancelledProbe_HandsTheProbeToTheNextAttemptWithoutClosing()
    {
        var (circuit, clock, changes) = Make();
        Open(circuit);
        clock.Advance(TimeSpan.FromSeconds(15));
        Assert.True(circuit.TryEnter());

        // The probe's client left (or its hedge lost): that says nothing about the server.
        circuit.Abandon();

        Assert.True(circuit.IsBroken);
        Assert.DoesNotContain("closed", changes);
        Assert.True(circuit.TryEnter());
        circuit.Record(failed: false);
        Assert.False(circuit.IsBroken);
    }

    [Fact]
    public void Record_ProbeFails_OpensForAnotherBreak()
    {
        var (circuit, clock, changes) = Make();
        Open(circuit);
        clock.Advance(TimeSpan.FromSeconds(15));
        Assert.True(circuit.TryEnter());
        circuit.Record(failed: true);

        Assert.True(circuit.IsBroken);
        Assert.False(circuit.TryEnter());
        clock.Advance(TimeSpan.FromSeconds(15));
        Assert.True(circuit.TryEnter());
        Assert.Equal(["open for 15s", "half-open: one probe is let through", "open for 15s", "half-open: one probe is let through"], changes);
    }

    [Fact]
    public void Record_AfterClosing_CountsAfresh()
    {
        var (circuit, clock, _) = Make();
        Open(circuit);
        clock.Advance(TimeSpan.FromSeconds(15));
        Assert.True(circuit.TryEnter());
        circuit.Record(failed: false);

        // The failures that opened it are forgotten: three more are below the minimum again.
        for (var i = 0; i < 3; i++)
        {
            circuit.Record(failed: true);
        }

        Assert.False(circuit.IsBroken);
    }

    [Fact]
    public void Record_FailuresOlderThanTheWindow_NoLongerCount()
    {
        var (circuit, clock, _) = Make();
        circuit.Record(failed: true);
        circuit.Record(failed: true);
        circuit.Record(failed: true);
        clock.Advance(TimeSpan.FromSeconds(31));
        circuit.Record(failed: true);

        Assert.False(circuit.IsBroken);
        circuit.Record(failed: true);
        circuit.Record(failed: true);
        circuit.Record(failed: true);
        Assert.True(circuit.IsBroken);
    }

    [Fact]
    public void Record_SuccessesAcrossBuckets_DiluteTheRatio()
    {
        var (circuit, clock, _) = Make();
        for (var i = 0; i < 6; i++)
        {
            circuit.Record(failed: false);
            clock.Advance(TimeSpan.FromSeconds(4));
        }

        circuit.Record(failed: true);
        circuit.Record(failed: true);
        circuit.Record(failed: true);

        // 3 failures of 9 attempts in the window: below one half.
        Assert.False(circuit.IsBroken);
    }

    private static void Open(CircuitBreakerState circuit)
    {
        for (var i = 0; i < 4; i++)
        {
            circuit.Record(failed: true);
        }

        Assert.True(circuit.IsBroken);
    }

    private static (CircuitBreakerState Circuit, ManualClock Clock, List<string> Changes) Make()
    {
        var clock = new ManualClock();
        var changes = new List<string>();
        return (new CircuitBreakerState(Config, clock, changes.Add), clock, changes);
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = TimeSpan.FromDays(1).Ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Volatile.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
