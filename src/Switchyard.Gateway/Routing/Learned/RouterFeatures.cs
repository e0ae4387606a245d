using System.Numerics;

namespace Switchyard.Gateway.Routing.Learned;

/// <summary>
/// Turns a prompt and its tags into hashed binary features for <see cref="EscalationRouter"/>: a set of distinct indices
/// in [0, 2^bits), each meaning "this feature is present".
/// </summary>
/// <remarks>
/// Features, in the order they are written (a full destination stops the later ones):
/// <code>
/// tags (1-16)  one per distinct tag (the label that picked a tier, the client's, the key's, the route's), or one
///              "no tags" feature
/// fixed (7)    length bucket (log2 of chars) · fenced code blocks · share of digits · lines (log2)
///              · question marks (log2) · math symbols (log2) · code symbols (log2)
/// char 3-grams lower-cased, whitespace folded to ' ', of the first <see cref="CharGramPrefix"/> chars
/// words        lower-cased unigrams and bigrams of letter-or-digit runs, from the start until the destination is full
/// </code>
/// Every feature is a (kind, payload) pair hashed by multiply-shift to <c>bits</c>; words and tags hash with FNV-1a
/// over lower-cased UTF-16 code units, so a tag is the same feature whatever its case or the order tags come in. Nothing depends on <see cref="string.GetHashCode()"/> or the process, so a router trained on
/// one machine predicts the same on another. Duplicates are removed with a small open-addressing set on the stack, so
/// the result is a set: the model's features are binary, not counts.
/// </remarks>
internal static class RouterFeatures
{
    /// <summary>The most features <see cref="Extract"/> writes; callers pass <c>stackalloc int[MaxFeatures]</c>.</summary>
    public const int MaxFeatures = 4096;

    /// <summary>The fewest hash bits <see cref="Extract"/> accepts.</summary>
    public const int MinBits = 1;

    /// <summary>The most hash bits <see cref="Extract"/> accepts (an index must fit an <see cref="int"/>).</summary>
    public const int MaxBits = 30;

    /// <summary>Character 3-grams come from this many leading characters, which bounds their cost on long prompts.</summary>
    public const int CharGramPrefix = 2000;

    /// <summary>The digit and symbol shares are taken over this many leading characters: a share needs no more.</summary>
    private const int StatsPrefix = 8192;

    /// <summary>The most tags that become features; a request rarely has more than a few, and the rest are dropped.</summary>
    public const int MaxTags = 16;

    private const int FixedFeatures = 7 + MaxTags;

    // Kinds keep the same payload of two feature families apart (a word "a" and a 3-gram of one 'a').
    private const ulong KindTag = 1;
    private const ulong KindLength = 2;
    private const ulong KindFences = 3;
    private const ulong KindDigits = 4;
    private const ulong KindLines = 5;
    private const ulong KindQuestions = 6;
    private const ulong KindMath = 7;
    private const ulong KindCode = 8;
    private const ulong KindWord = 9;
    private const ulong KindBigram = 10;
    private const ulong KindTrigram = 11;

    private const uint FnvOffset = 2166136261;
    private const uint FnvPrime = 16777619;

    // Flags of the ASCII table. FlagUpper is 0x40 so that (flags & FlagUpper) >> 1 is the 0x20 that lower-cases a letter.
    private const byte FlagDigit = 0x01;
    private const byte FlagMath = 0x02;
    private const byte FlagCode = 0x04;
    private const byte FlagWord = 0x08;
    private const byte FlagSpace = 0x10;
    private const byte FlagUpper = 0x40;

    // PERF: one load per character instead of a chain of comparisons; about a third of the cost on a 3 KB prompt.
    private static readonly byte[] Ascii = BuildAscii();

    /// <summary>
    /// Writes the distinct hashed features of <paramref name="prompt"/> and <paramref name="tags"/> into
    /// <paramref name="buckets"/> and returns how many were written.
    /// </summary>
    /// <param name="prompt">The text the model reads; any length (the work done is bounded, see the remarks).</param>
    /// <param name="tags">
    /// The request's tags, comma-separated (<c>code, team-a</c>): the label that picked a tier (a tag or the content
    /// classifier's category) and every tag the request carries. Blanks around a tag and its case do not matter, nor
    /// does a repeat; the first <see cref="MaxTags"/> distinct ones count. Empty is a feature too ("no tags").
    /// </param>
    /// <param name="buckets">Where the indices go; at most <see cref="MaxFeatures"/> of it is used.</param>
    /// <param name="bits">The indices are in [0, 2^bits); between <see cref="MinBits"/> and <see cref="MaxBits"/>.</param>
    /// <param name="tagFeatures">
    /// How many of the features written, at the start of <paramref name="buckets"/>, are the tags': the model weighs them
    /// whole, the prompt's features scaled by their number (<see cref="EscalationRouter.Logit"/>).
    /// </param>
    /// <returns>The number of indices written, all distinct; never more than <see cref="MaxFeatures"/>.</returns>
    public static int Extract(ReadOnlySpan<char> prompt, ReadOnlySpan<char> tags, Span<int> buckets, int bits, out int tagFeatures)
    {
        tagFeatures = 0;
        if (bits is < MinBits or > MaxBits)
        {
            ThrowBitsOutOfRange(bits);
        }

        var capacity = Math.Min(buckets.Length, MaxFeatures);
        if (capacity == 0)
        {
            return 0;
        }

        var wanted = Math.Min(capacity, CapacityFor(prompt.Length));
        // PERF: at most 8,192 ints (32 KiB) on the stack, half full at worst, so probes stay short.
        Span<int> table = stackalloc int[(int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(wanted * 2, 64))];
        table.Clear();
        var set = new FeatureSet(buckets[..capacity], table, bits);

        AddTags(ref set, tags);
        tagFeatures = set.Count;
        AddFixed(ref set, prompt);
        AddCharTrigrams(ref set, prompt[..Math.Min(prompt.Length, CharGramPrefix)]);
        AddWords(ref set, prompt);
        return set.Count;
    }

    /// <summary>
    /// The most features a prompt of <paramref name="promptLength"/> characters can have, capped at
    /// <see cref="MaxFeatures"/>: a destination this long never stops <see cref="Extract"/> early.
    /// </summary>
    /// <param name="promptLength">The prompt's length in UTF-16 characters.</param>
    public static int CapacityFor(int promptLength)
    {
        // Words give at most one unigram and one bigram per two characters, 3-grams one per character of the prefix.
        var bound = FixedFeatures + (long)Math.Min(promptLength, CharGramPrefix) + promptLength + 1;
        return (int)Math.Min(bound, MaxFeatures);
    }

    private static void AddTags(ref FeatureSet set, ReadOnlySpan<char> tags)
    {
        var added = 0;
        foreach (var range in tags.Split(','))
        {
            var tag = tags[range].Trim();
            if (tag.IsEmpty)
            {
                continue;
            }

            var hash = FnvOffset;
            foreach (var c in tag)
            {
                hash = (hash ^ Lower(c)) * FnvPrime;
            }

            // A repeated tag is already in the set, and does not count against MaxTags.
            var before = set.Count;
            if (!set.Add(KindTag, hash))
            {
                return;
            }

            if (set.Count > before && ++added == MaxTags)
            {
                return;
            }
        }

        if (added == 0)
        {
            // No tags: the hash of the empty tag, so an untagged request has a weight of its own to learn.
            set.Add(KindTag, FnvOffset);
        }
    }

    private static void AddFixed(ref FeatureSet set, ReadOnlySpan<char> prompt)
    {
        set.Add(KindLength, (ulong)BitOperations.Log2((uint)prompt.Length + 1));

        var fences = 0;
        var rest = prompt;
        for (var at = rest.IndexOf("```"); at >= 0; at = rest.IndexOf("```"))
        {
            fences++;
            rest = rest[(at + 3)..];
        }

        // An opened fence counts as a block even if the prompt was cut before it closed.
        set.Add(KindFences, (ulong)Math.Min((fences + 1) / 2, 4));
        var lines = prompt.IsEmpty ? 0 : prompt.Count('\n') + 1;
        set.Add(KindLines, (ulong)Math.Min(BitOperations.Log2((uint)lines + 1), 12));
        set.Add(KindQuestions, (ulong)Math.Min(BitOperations.Log2((uint)prompt.Count('?') + 1), 5));

        var sample = prompt[..Math.Min(prompt.Length, StatsPrefix)];
        int digits = 0, math = 0, code = 0;
        var ascii = Ascii;
        foreach (var c in sample)
        {
            if (c < 128)
            {
                var flags = ascii[c];
                digits += flags & FlagDigit;
                math += (flags >> 1) & 1;
                code += (flags >> 2) & 1;
            }
            else if (IsMathSymbol(c))
            {
                math++;
            }
        }

        set.Add(KindDigits, DigitShareBucket(digits, sample.Length));
        set.Add(KindMath, (ulong)Math.Min(BitOperations.Log2((uint)math + 1), 8));
        set.Add(KindCode, (ulong)Math.Min(BitOperations.Log2((uint)code + 1), 8));
    }

    private static void AddCharTrigrams(ref FeatureSet set, ReadOnlySpan<char> prefix)
    {
        if (prefix.Length < 3)
        {
            return;
        }

        ulong a = Fold(prefix[0]), b = Fold(prefix[1]);
        for (var i = 2; i < prefix.Length; i++)
        {
            ulong c = Fold(prefix[i]);
            if (!set.Add(KindTrigram, (a << 32) | (b << 16) | c))
            {
                return;
            }

            a = b;
            b = c;
        }
    }

    private static void AddWords(ref FeatureSet set, ReadOnlySpan<char> prompt)
    {
        var hash = FnvOffset;
        var length = 0;
        var previous = 0u;
        var hasPrevious = false;
        // One step past the end flushes the last word.
        for (var i = 0; i <= prompt.Length; i++)
        {
            if (i < prompt.Length)
            {
                var c = prompt[i];
                int lowered = c < 128
                    ? ((Ascii[c] & FlagWord) != 0 ? c | ((Ascii[c] & FlagUpper) >> 1) : -1)
                    : (char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : -1);
                if (lowered >= 0)
                {
                    hash = (hash ^ (uint)lowered) * FnvPrime;
                    length++;
                    continue;
                }
            }

            if (length == 0)
            {
                continue;
            }

            if (!set.Add(KindWord, hash) || (hasPrevious && !set.Add(KindBigram, ((ulong)previous << 32) | hash)))
            {
                return;
            }

            previous = hash;
            hasPrevious = true;
            hash = FnvOffset;
            length = 0;
        }
    }

    private static ulong DigitShareBucket(int digits, int chars)
    {
        if (digits == 0)
        {
            return 0;
        }

        // Percent bands: a stray number, some figures, a table of figures, mostly numbers.
        var percent = digits * 100.0 / chars;
        return percent switch
        {
            < 1 => 1,
            < 3 => 2,
            < 10 => 3,
            < 25 => 4,
            _ => 5,
        };
    }

    private static char Lower(char c) => c < 128 ? (char)(c | ((Ascii[c] & FlagUpper) >> 1)) : char.ToLowerInvariant(c);

    private static char Fold(char c) => c < 128 && (Ascii[c] & FlagSpace) != 0 ? ' ' : Lower(c);

    /// <summary>Mathematical symbols beyond ASCII (ASCII ones are flagged in <see cref="Ascii"/>).</summary>
    private static bool IsMathSymbol(char c) => c is '×' or '÷' or '±' or '√' or '∑' or '∫' or '∞' or '≤' or '≥' or '≠' or '≈' or 'π';

    private static byte[] BuildAscii()
    {
        var table = new byte[128];
        for (var c = '0'; c <= '9'; c++)
        {
            table[c] |= FlagDigit | FlagWord;
        }

        for (var c = 'a'; c <= 'z'; c++)
        {
            table[c] |= FlagWord;
            table[char.ToUpperInvariant(c)] |= FlagWord | FlagUpper;
        }

        foreach (var c in "+-*/=^%<>")
        {
            table[c] |= FlagMath;
        }

        foreach (var c in "{}()[];_#$&|`\\")
        {
            table[c] |= FlagCode;
        }

        foreach (var c in " \t\r\n")
        {
            table[c] |= FlagSpace;
        }

        return table;
    }

    /// <summary>The (kind, payload) pair by multiply-shift hashing: the top bits of one 64-bit product.</summary>
    /// <remarks>
    /// Multiply-shift (Dietzfelbinger et al.) keeps two distinct keys apart with probability about 1 − 2/2^bits, as
    /// good as a full mixer for this, at one multiplication. The kind enters as a 64-bit constant of its own (folded
    /// at each call site), so that small payloads such as a bucket number 0 of two kinds land far apart.
    /// </remarks>
    private static int Index(ulong kind, ulong payload, int bits)
    {
        var x = (payload ^ (kind * 0xD6E8FEB86659FD93UL)) * 0x9E3779B97F4A7C15UL;
        return (int)(x >> (64 - bits));
    }

    private static void ThrowBitsOutOfRange(int bits) =>
        throw new ArgumentOutOfRangeException(nameof(bits), bits, $"Feature hashing needs between {MinBits} and {MaxBits} bits.");

    /// <summary>The destination plus an open-addressing set of what it holds (index + 1; 0 is an empty slot).</summary>
    private ref struct FeatureSet
    {
        private readonly Span<int> _buckets;
        private readonly Span<int> _table;
        private readonly int _bits;

        public FeatureSet(Span<int> buckets, Span<int> table, int bits)
        {
            _buckets = buckets;
            _table = table;
            _bits = bits;
            Count = 0;
        }

        public int Count { get; private set; }

        /// <summary>Adds the feature unless it is there; false once the destination is full.</summary>
        public bool Add(ulong kind, ulong payload)
        {
            if (Count >= _buckets.Length)
            {
                return false;
            }

            var index = Index(kind, payload, _bits);
            var mask = _table.Length - 1;
            // The index is already a hash: its low bits pick the slot.
            var slot = index & mask;
            while (true)
            {
                var held = _table[slot];
                if (held == 0)
                {
                    _table[slot] = index + 1;
                    _buckets[Count++] = index;
                    return true;
                }

                if (held == index + 1)
                {
                    return true;
                }

                slot = (slot + 1) & mask;
            }
        }
    }
}
