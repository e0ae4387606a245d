namespace Switchyard.Simulator.Generation;

/// <summary>
/// Makes deterministic unit vectors: the sum of one pseudo-random vector per word (seeded by the model and the word) plus a
/// smaller one for the whole input, normalized. Texts that share words point in similar directions, so a semantic cache or a
/// similarity check behaves plausibly, and the same input always gets the same vector.
/// </summary>
/// <remarks>
/// The first <c>k</c> components do not depend on the length asked for, so a shorter <c>dimensions</c> is the longer vector
/// cut and renormalized, as OpenAI's text-embedding-3 models behave.
/// </remarks>
internal static class EmbeddingGenerator
{
    private const double WholeWeight = 0.35;

    /// <summary>Fills <paramref name="vector"/> (its length is the dimensions) with the unit vector of one input.</summary>
    public static void Fill(Span<float> vector, ulong modelHash, ReadOnlySpan<ulong> words, ulong whole)
    {
        Span<double> sum = vector.Length <= 2048 ? stackalloc double[vector.Length] : new double[vector.Length];
        sum.Clear();
        foreach (var word in words)
        {
            Accumulate(sum, StableHash.Combine(modelHash, word), 1.0);
        }

        Accumulate(sum, StableHash.Combine(modelHash, whole), words.IsEmpty ? 1.0 : WholeWeight * Math.Sqrt(words.Length));
        var norm = 0.0;
        foreach (var value in sum)
        {
            norm += value * value;
        }

        norm = Math.Sqrt(norm);
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)(sum[i] / norm);
        }
    }

    private static void Accumulate(Span<double> sum, ulong seed, double weight)
    {
        var random = new SplitMix64(seed);
        for (var i = 0; i < sum.Length; i++)
        {
            sum[i] += weight * ((2.0 * random.NextDouble()) - 1.0);
        }
    }
}
