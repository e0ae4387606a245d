using System.Collections.Frozen;

namespace Switchyard.Simulator.Faults;

/// <summary>Maps fault names (<see cref="SimulatorFaults"/>) to <see cref="SimulatorFault"/> and back.</summary>
internal static class FaultNames
{
    /// <summary>The number of <see cref="SimulatorFault"/> values, <see cref="SimulatorFault.None"/> included.</summary>
    public const int Count = (int)SimulatorFault.Overloaded + 1;

    private static readonly string[] Names =
    [
        "none",
        SimulatorFaults.RateLimit,
        SimulatorFaults.ServerError,
        SimulatorFaults.Unavailable,
        SimulatorFaults.Reset,
        SimulatorFaults.NoResponse,
        SimulatorFaults.SlowFirstToken,
        SimulatorFaults.CutBeforeFirstChunk,
        SimulatorFaults.CutAfterFirstChunk,
        SimulatorFaults.Stall,
        SimulatorFaults.MalformedChunk,
        SimulatorFaults.MissingDone,
        SimulatorFaults.ContextLengthExceeded,
        SimulatorFaults.ContentFilter,
        SimulatorFaults.Overloaded,
    ];

    private static readonly FrozenDictionary<string, SimulatorFault> ByName = BuildByName();

    /// <summary>Every valid name, for error messages.</summary>
    public static string ValidNames { get; } = string.Join(", ", SimulatorFaults.All);

    public static string Name(SimulatorFault fault) => Names[(int)fault];

    /// <summary>Parses a fault name (case-insensitive; dashes and underscores are the same). <c>none</c> is not a fault.</summary>
    public static bool TryParse(string? name, out SimulatorFault fault)
    {
        fault = SimulatorFault.None;
        if (string.IsNullOrWhiteSpace(name))
        {
            return false;
        }

        return ByName.TryGetValue(name.Trim().Replace('-', '_'), out fault);
    }

    private static FrozenDictionary<string, SimulatorFault> BuildByName()
    {
        var map = new Dictionary<string, SimulatorFault>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < Names.Length; i++)
        {
            map[Names[i]] = (SimulatorFault)i;
        }

        return map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
