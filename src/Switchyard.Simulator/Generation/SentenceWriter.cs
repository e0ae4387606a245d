using Switchyard.Simulator.Internal;

namespace Switchyard.Simulator.Generation;

/// <summary>
/// Writes plausible English sentences from a few templates over the part-of-speech lists of <see cref="WordList"/>, with some
/// nouns taken from the prompt kind's topical words, so an answer reads like prose rather than a shuffled word list.
/// </summary>
/// <remarks>
/// <code>
/// NP = determiner [adjective] noun
/// NP verb NP.  |  NP [adverb] verb NP preposition NP.  |  Preposition NP, NP verb NP.  |  NP verb NP, conjunction NP verb NP.
/// </code>
/// A sentence is at most about 20 tokens.
/// </remarks>
internal static class SentenceWriter
{
    /// <summary>Writes one sentence, with its period, preceded by a space unless the text is empty or ends a line.</summary>
    public static void Write(PooledByteBuffer text, PromptKind kind, ref SplitMix64 random) => Write(text, kind, ref random, null);

    /// <summary>Writes one sentence whose first noun is <paramref name="firstNoun"/> (when not null).</summary>
    public static void Write(PooledByteBuffer text, PromptKind kind, ref SplitMix64 random, byte[]? firstNoun)
    {
        var capitalize = true;
        switch (random.Next(4))
        {
            case 0:
                NounPhrase(text, kind, ref random, ref capitalize, ref firstNoun);
                Word(text, Pick(WordList.Verbs, ref random), ref capitalize);
                NounPhrase(text, kind, ref random, ref capitalize, ref firstNoun);
                break;
            case 1:
                NounPhrase(text, kind, ref random, ref capitalize, ref firstNoun);
                if (random.Next(2) == 0)
                {
                    Word(text, Pick(WordList.Adverbs, ref random), ref capitalize);
                }

                Word(text, Pick(WordList.Verbs, ref random), ref capitalize);
                NounPhrase(text, kind, ref random, ref capitalize, ref firstNoun);
                Word(text, Pick(WordList.Prepositions, ref random), ref capitalize);
                NounPhrase(text, kind, ref random, ref capitalize, ref firstNoun);
                break;
            case 2:
                Word(text, Pick(WordList.Prepositions, ref random), ref capitalize);
                NounPhrase(text, kind, ref random, ref capitalize, ref firstNoun);
                text.Write((byte)',');
                NounPhrase(text, kind, ref random, ref capitalize, ref firstNoun);
                Word(text, Pick(WordList.Verbs, ref random), ref capitalize);
                NounPhrase(text, kind, ref random, ref capitalize, ref firstNoun);
                break;
            default:
                NounPhrase(text, kind, ref random, ref capitalize, ref firstNoun);
                Word(text, Pick(WordList.Verbs, ref random), ref capitalize);
                NounPhrase(text, kind, ref random, ref capitalize, ref firstNoun);
                text.Write((byte)',');
                Word(text, Pick(WordList.Conjunctions, ref random), ref capitalize);
                NounPhrase(text, kind, ref random, ref capitalize, ref firstNoun);
                Word(text, Pick(WordList.Verbs, ref random), ref capitalize);
                NounPhrase(text, kind, ref random, ref capitalize, ref firstNoun);
                break;
        }

        text.Write((byte)'.');
    }

    private static void NounPhrase(PooledByteBuffer text, PromptKind kind, ref SplitMix64 random, ref bool capitalize, ref byte[]? forcedNoun)
    {
        var determiner = Pick(WordList.Determiners, ref random);
        var adjective = random.Next(5) < 2 ? Pick(WordList.Adjectives, ref random) : null;
        var noun = forcedNoun ?? (kind != PromptKind.General && random.Next(3) == 0
            ? Pick(WordList.Topical[(int)kind], ref random)
            : Pick(WordList.Nouns, ref random));
        forcedNoun = null;
        var next = adjective ?? noun;
        if (determiner is [(byte)'a'] && next[0] is (byte)'a' or (byte)'e' or (byte)'i' or (byte)'o' or (byte)'u')
        {
            Word(text, "an"u8, ref capitalize);
        }
        else
        {
            Word(text, determiner, ref capitalize);
        }

        if (adjective is not null)
        {
            Word(text, adjective, ref capitalize);
        }

        Word(text, noun, ref capitalize);
    }

    private static void Word(PooledByteBuffer text, ReadOnlySpan<byte> word, ref bool capitalize)
    {
        if (text.Length > 0 && text.WrittenSpan[^1] != (byte)'\n')
        {
            text.Write((byte)' ');
        }

        text.Write(capitalize && word[0] is >= (byte)'a' and <= (byte)'z' ? (byte)(word[0] & 0xDF) : word[0]);
        text.Write(word[1..]);
        capitalize = false;
    }

    private static byte[] Pick(byte[][] words, ref SplitMix64 random) => words[random.Next(words.Length)];
}
