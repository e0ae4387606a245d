using Switchyard.Simulator.Generation;

namespace Switchyard.Simulator.Protocol;

/// <summary>
/// What the simulator keeps of one prompt (a chat's messages, or one legacy prompt): the hash of its text (and the request's
/// seed), its estimated token count, its kind and, for a math prompt, its true answer (see <see cref="FinalAnswer"/>).
/// </summary>
/// <param name="Hash">The text's hash, the request's seed folded in.</param>
/// <param name="Tokens">Estimated prompt tokens.</param>
/// <param name="Kind">The kind of the last user message (or <see cref="PromptKind.Json"/> when JSON is asked for).</param>
/// <param name="TrueAnswer">The true answer when the text is a math question, else 0.</param>
internal readonly record struct PromptInfo(ulong Hash, int Tokens, PromptKind Kind, int TrueAnswer = 0);
