using System.Text;

namespace Switchyard.Simulator.Generation;

/// <summary>
/// The vocabulary answers are built from: common English words, plus a few topical words per <see cref="PromptKind"/> so an
/// answer to a legal question reads a little like one. ASCII only, so any byte boundary between words is a character boundary.
/// </summary>
internal static class WordList
{
    /// <summary>General words, UTF-8.</summary>
    public static readonly byte[][] General = Split(
        "the a an this that these those it its we you they our your their one two several many most some each every " +
        "approach answer result system model value process method option detail example case reason step part point " +
        "question problem solution idea data rule change issue context request response service team plan cost time " +
        "level range number set list version source output input path state review report summary analysis account " +
        "is are was were be been has have had can could should would will may might must does do often usually also " +
        "then therefore however still only just very more less most quite rather simply clearly generally typically " +
        "use make take give keep find show help consider provide include explain describe compare check improve reduce " +
        "increase support handle follow apply define choose return measure expect depend remain become " +
        "first next last main key common simple clear useful important different similar specific general possible " +
        "likely small large high low good better best new current previous final short long early recent standard " +
        "in on at by for with from into over under about between through within without after before during across " +
        "and or but so because while when where which if than as");

    /// <summary>Determiners; "a" becomes "an" before a vowel.</summary>
    public static readonly byte[][] Determiners = Split("the a this each every our your one that any");

    /// <summary>Adjectives.</summary>
    public static readonly byte[][] Adjectives = Split(
        "main key common simple clear useful important different similar specific general possible likely small large high " +
        "low good better new current previous final short long early recent standard careful reliable consistent");

    /// <summary>Nouns.</summary>
    public static readonly byte[][] Nouns = Split(
        "approach answer result system model value process method option detail example case reason step part point " +
        "question problem solution idea data rule change issue context request response service team plan cost time " +
        "level range number set list version source output input path state review report summary analysis account");

    /// <summary>Verbs in the third person singular.</summary>
    public static readonly byte[][] Verbs = Split(
        "improves reduces supports handles explains describes requires defines includes returns measures affects follows " +
        "changes uses shows creates limits checks covers keeps provides");

    /// <summary>Adverbs that sit before a verb.</summary>
    public static readonly byte[][] Adverbs = Split("usually often clearly generally typically simply still rarely mostly");

    /// <summary>Prepositions.</summary>
    public static readonly byte[][] Prepositions = Split("in on for with from into over under about between through within without after before during across");

    /// <summary>Conjunctions that join two clauses.</summary>
    public static readonly byte[][] Conjunctions = Split("and but so while because");

    /// <summary>Topical words per <see cref="PromptKind"/> (indexed by the enum), UTF-8.</summary>
    public static readonly byte[][][] Topical =
    [
        General,
        Split("function variable loop array string class method compiler runtime exception interface module library " +
              "query index thread async buffer parser test build refactor type pointer"),
        Split("contract clause party liability agreement court statute jurisdiction obligation breach warranty indemnity " +
              "license term notice counsel precedent remedy damages provision"),
        Split("patient symptom diagnosis treatment dose clinical therapy condition risk physician medication chronic " +
              "acute screening infection blood pressure guideline trial outcome"),
        Split("equation variable integral derivative sum product proof theorem limit matrix vector probability ratio " +
              "factor root term series function identity constant"),
        Split("field object array key value schema record item status name id type count flag label entry"),
    ];

    /// <summary>
    /// The topical words that tell one kind from every other (indexed by <see cref="PromptKind"/>): in no other kind's list
    /// and not common English words either. Empty for general and JSON, whose words say nothing about a topic.
    /// </summary>
    public static readonly byte[][][] Distinctive = BuildDistinctive();

    /// <summary>Refusals, as models word them.</summary>
    public static readonly byte[][] Refusals =
    [
        "I'm sorry, but I can't help with that."u8.ToArray(),
        "I'm sorry, but I cannot assist with that request."u8.ToArray(),
        "I can't help with that."u8.ToArray(),
        "I'm unable to help with this request."u8.ToArray(),
        "As an AI language model, I cannot provide that information."u8.ToArray(),
    ];

    /// <summary>Nearly empty answers.</summary>
    public static readonly byte[][] NearlyEmpty =
    [
        Array.Empty<byte>(),
        "..."u8.ToArray(),
        "Hmm."u8.ToArray(),
        "N/A"u8.ToArray(),
        "Okay."u8.ToArray(),
    ];

    /// <summary>What a chatty model puts in front of JSON (which makes the content invalid JSON).</summary>
    public static readonly byte[] JsonPreamble = "Sure! Here is the JSON you asked for:\n"u8.ToArray();

    private static byte[][][] BuildDistinctive()
    {
        var common = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in General)
        {
            common.Add(Encoding.UTF8.GetString(word));
        }

        var result = new byte[Topical.Length][][];
        for (var kind = 0; kind < Topical.Length; kind++)
        {
            var words = new List<byte[]>();
            if (kind is not ((int)PromptKind.General or (int)PromptKind.Json))
            {
                foreach (var word in Topical[kind])
                {
                    var text = Encoding.UTF8.GetString(word);
                    var shared = common.Contains(text);
                    for (var other = 1; other < Topical.Length && !shared; other++)
                    {
                        shared = other != kind && Array.Exists(Topical[other], w => w.AsSpan().SequenceEqual(word));
                    }

                    if (!shared)
                    {
                        words.Add(word);
                    }
                }
            }

            result[kind] = [.. words];
        }

        return result;
    }

    private static byte[][] Split(string words)
    {
        var parts = words.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var result = new byte[parts.Length][];
        for (var i = 0; i < parts.Length; i++)
        {
            result[i] = Encoding.UTF8.GetBytes(parts[i]);
        }

        return result;
    }
}
