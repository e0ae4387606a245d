using System.Text.Json;

namespace Switchyard.Simulator.Generation;

/// <summary>A function from the request's <c>tools</c>: its name and its JSON Schema <c>parameters</c> (undefined when absent).</summary>
internal sealed record ToolDefinition(string Name, JsonElement Parameters);
