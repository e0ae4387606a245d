using System.Text.Json;
using Switchyard.Simulator.Faults;

namespace Switchyard.Simulator.Configuration;

/// <summary>
/// What a request's <c>model</c> resolved to: the behaviour (<paramref name="Profile"/>), the name to echo in the answer,
/// the name's hash for the answer's determinism, and a fault asked for by the name (<c>fault-NAME</c>, <c>MODEL@fault-NAME</c>).
/// </summary>
internal readonly record struct ModelResolution(ModelProfile Profile, JsonEncodedText EchoName, string Name, ulong NameHash, SimulatorFault Fault);
