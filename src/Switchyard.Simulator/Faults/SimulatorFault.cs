namespace Switchyard.Simulator.Faults;

/// <summary>The faults of <see cref="SimulatorFaults"/> as values; <see cref="None"/> is a normal answer.</summary>
internal enum SimulatorFault
{
    None = 0,
    RateLimit,
    ServerError,
    Unavailable,
    Reset,
    NoResponse,
    SlowFirstToken,
    CutBeforeFirstChunk,
    CutAfterFirstChunk,
    Stall,
    MalformedChunk,
    MissingDone,
    ContextLengthExceeded,
    ContentFilter,
    Overloaded,
}
