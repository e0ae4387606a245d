namespace Switchyard.Simulator.Protocol;

/// <summary>
/// One input of an embeddings request, reduced to what the vector is made from: the hashes of its words (or token ids),
/// the hash of the whole input, and its token count.
/// </summary>
internal sealed record EmbeddingInput(ulong[] Words, ulong Whole, int Tokens);
