using Switchyard.Simulator.Generation;

namespace Switchyard.Simulator.Protocol;

/// <summary>
/// What the simulator keeps of one prompt (a chat's messages, or one legacy prompt): the hash of its text (and the request's
/// seed), its estimated token count and its kind.
/// </summary>
internal readonly record struct PromptInfo(ulong Hash, int Tokens, PromptKind Kind);
