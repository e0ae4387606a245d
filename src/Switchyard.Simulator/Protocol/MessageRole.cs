namespace Switchyard.Simulator.Protocol;

/// <summary>A chat message's <c>role</c>.</summary>
internal enum MessageRole
{
    None = 0,
    System,
    Developer,
    User,
    Assistant,
    Tool,
    Function,
}
