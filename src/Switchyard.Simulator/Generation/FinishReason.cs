namespace Switchyard.Simulator.Generation;

/// <summary>OpenAI's <c>finish_reason</c> values.</summary>
internal enum FinishReason
{
    Stop = 0,
    Length,
    ToolCalls,
    ContentFilter,
}
