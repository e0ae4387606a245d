using Switchyard.Simulator;

namespace Switchyard.Gateway.Tests.Functional;

/// <summary>Simulator set-ups the functional tests share.</summary>
internal static class SimulatorFixtures
{
    /// <summary>Answers at once.</summary>
    public static SimulatorOptions Instant => SimulatorOptions.Instant();

    /// <summary>Streams slowly (20 tokens/s), so a test can act in the middle of a stream.</summary>
    public static SimulatorOptions Slow => SimulatorOptions.Instant() with
    {
        Models = [.. SimulatorOptions.Instant().Models.Select(m => m with { TimeToFirstToken = TimeSpan.FromMilliseconds(10), TokensPerSecond = 20 })],
    };
}
