namespace Switchyard.Simulator.Protocol;

/// <summary>The request's <c>tool_choice</c>.</summary>
internal enum ToolChoiceMode
{
    Auto = 0,
    None,
    Required,
    Function,
}
