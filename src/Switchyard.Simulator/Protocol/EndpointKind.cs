namespace Switchyard.Simulator.Protocol;

/// <summary>The two text generation endpoints, which share parsing, timing and faults.</summary>
internal enum EndpointKind
{
    /// <summary><c>POST /v1/chat/completions</c>.</summary>
    ChatCompletions,

    /// <summary><c>POST /v1/completions</c> (legacy).</summary>
    Completions,
}
