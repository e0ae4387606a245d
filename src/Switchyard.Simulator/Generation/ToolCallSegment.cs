namespace Switchyard.Simulator.Generation;

/// <summary>One tool call of an <see cref="Answer"/>: its id, the function's name, and its arguments as a token range.</summary>
internal readonly record struct ToolCallSegment(string Id, string Name, int FirstToken, int EndToken);
